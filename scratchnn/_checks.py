"""Input checks shared by every layer and loss.

Each check runs *before* a call changes any state, so a call that fails leaves the object exactly as
it was. Messages name what was expected and what came.
"""

from __future__ import annotations

import torch


def float_tensor(x: object, what: str) -> torch.Tensor:
    """Return ``x`` if it is a floating-point tensor, else raise TypeError."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{what}: expected a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{what}: expected a floating-point tensor, got dtype {x.dtype}")
    return x


def same_shape(got: torch.Tensor, expected: torch.Size, what: str) -> None:
    if got.shape != expected:
        raise ValueError(f"{what}: expected shape {tuple(expected)}, got {tuple(got.shape)}")


def same_dtype(got: torch.Tensor, expected: torch.dtype, what: str) -> None:
    if got.dtype != expected:
        raise TypeError(f"{what}: expected dtype {expected}, got {got.dtype}")


def cached(value: torch.Tensor | None, owner: object) -> torch.Tensor:
    """The cache written by forward; backward before forward is an error, not a silent None."""
    if value is None:
        raise RuntimeError(f"{type(owner).__name__}.backward() called before forward()")
    return value


def upstream(dout: object, shape: torch.Size, dtype: torch.dtype, owner: object) -> torch.Tensor:
    """Check that ``dout`` has the shape and dtype of what forward returned."""
    name = type(owner).__name__
    dout = float_tensor(dout, f"{name}.backward(dout)")
    same_shape(dout, shape, f"{name}.backward(dout), the shape forward returned,")
    same_dtype(dout, dtype, f"{name}.backward(dout)")
    return dout
