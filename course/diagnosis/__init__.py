"""The diagnosing gradient checker of the exercises: which common mistake explains a wrong gradient.

``scratchnn.checks`` answers "does backward agree with central differences?"; this package, part
of the course rather than of the library it teaches, answers the learner's next question, "what
did I get wrong?". ``diagnose`` / ``diagnose_function`` (checker.py) compare with a tolerance that
knows the rounding noise of central differences and, for each wrong gradient, name the mistake
from the catalogue ``MISTAKES`` (mistakes.py) that matches exactly.
"""

from .checker import Diagnosis, diagnose
from .function import diagnose_function
from .mistakes import MISTAKES

__all__ = ["MISTAKES", "Diagnosis", "diagnose", "diagnose_function"]
