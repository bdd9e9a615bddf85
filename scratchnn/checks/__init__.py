"""The gradient checkers: is a backward pass right?

- ``gradcheck`` / ``gradient_errors`` (errors.py): the relative error of every gradient against
  central differences, as one number or one per gradient;
- numerical.py: what they stand on (central differences, the relative error, the float64 copy,
  the seeded upstream gradient, the walk over named sub-layers).

The checker that also names the mistake behind a wrong gradient is the course's:
``course.diagnosis``.
"""

from .errors import gradcheck, gradient_errors
from .numerical import UPSTREAM_SEED, backward_with_dx, numerical_gradient, relative_error

__all__ = [
    "UPSTREAM_SEED",
    "backward_with_dx",
    "gradcheck",
    "gradient_errors",
    "numerical_gradient",
    "relative_error",
]
