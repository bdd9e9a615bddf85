"""Exercises with checked answers, one module per chapter.

Each chapter's notebook ends with exercises. For each, the reader writes a function (the stub
raises ``NotImplementedError``) and a check cell runs it through ``chN.check_…``, which returns a
``Result``: "passed", "not attempted yet", or "not right yet" with a hint that names the mistake
(``course.diagnosis.diagnose`` for backward passes, known wrong answers for numbers). The solutions,
``chN.solution_…``, live here too: the book shows them behind a toggle, and the tests run every one
through its check. ``chN.EXERCISES`` lists the (check, solution) pairs.
"""

from . import ch1, ch2, ch3, ch4, ch5, ch6, ch7
from ._check import NOT_ATTEMPTED, Result

__all__ = ["NOT_ATTEMPTED", "Result", "ch1", "ch2", "ch3", "ch4", "ch5", "ch6", "ch7"]
