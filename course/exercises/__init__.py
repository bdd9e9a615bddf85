"""Exercises with checked answers, one module per chapter.

Each chapter's notebook ends with exercises. For each, the reader writes a function (the stub
raises ``NotImplementedError``) and a check cell runs it through ``chN.check_…``, which returns a
``Result``: "passed", "not attempted yet", or "not right yet" with a hint that names the mistake
(``course.diagnosis.diagnose`` for backward passes, known wrong answers for numbers). The solutions,
``chN.solution_…``, live here too: the book shows them behind a toggle, and the tests run every one
through its check. ``chN.EXERCISES`` lists the (check, solution) pairs.
"""

import importlib

from ._check import NOT_ATTEMPTED, Result

CHAPTERS = ("ch1", "ch2", "ch3", "ch4", "ch5", "ch6", "ch7")


def __getattr__(name: str):
    # Each chapter's module is imported when first asked for (``from course.exercises import
    # ch4``), not all at once: a notebook then uses, and its stored hash covers, only its own.
    if name in CHAPTERS:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["NOT_ATTEMPTED", "Result", "ch1", "ch2", "ch3", "ch4", "ch5", "ch6", "ch7"]
