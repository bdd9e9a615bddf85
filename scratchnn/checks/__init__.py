"""The gradient checkers: is a backward pass right, and if not, what is wrong with it?

- ``gradcheck`` / ``gradient_errors`` (errors.py): the relative error of every gradient against
  central differences, as one number or one per gradient;
- ``diagnose`` / ``diagnose_function`` (diagnosis.py): the same comparison with a tolerance that
  knows the rounding noise of central differences, and, for each wrong gradient, the common
  mistake that explains it, from the catalogue ``MISTAKES`` (mistakes.py);
- numerical.py: what both stand on (central differences, the relative error, the float64 copy,
  the seeded upstream gradient, the walk over named sub-layers).
"""

from .diagnosis import Diagnosis, diagnose, diagnose_function
from .errors import gradcheck, gradient_errors
from .mistakes import MISTAKES
from .numerical import UPSTREAM_SEED, backward_with_dx, numerical_gradient, relative_error

__all__ = [
    "MISTAKES",
    "UPSTREAM_SEED",
    "Diagnosis",
    "backward_with_dx",
    "diagnose",
    "diagnose_function",
    "gradcheck",
    "gradient_errors",
    "numerical_gradient",
    "relative_error",
]
