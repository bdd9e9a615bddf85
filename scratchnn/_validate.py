"""Input checks shared by every layer, loss and optimizer.

``Layer``, ``Loss`` and ``Optimizer`` run them before any state changes. Messages name what was
expected and what came.
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


def nonempty_batch(x: torch.Tensor, what: str) -> None:
    """A batch needs at least one row: with B = 0 a mean is 0/0 and a gradient has nothing to sum.

    A tensor of shape (B, 0) is empty as well, and fails the same way.
    """
    if x.ndim and x.shape[0] == 0:
        raise ValueError(
            f"{what}: expected a batch of at least one row, got B = 0 (shape {tuple(x.shape)})"
        )
    if x.numel() == 0:
        raise ValueError(
            f"{what}: expected at least one element per row, got shape {tuple(x.shape)}"
        )


def layer_input(x: object, width: int | None, like: torch.Tensor | None, what: str) -> None:
    """Raise the clear error for a forward input: any non-empty float tensor if ``width`` is None,
    else a (B, width) batch like ``batch_input``'s."""
    if width is None:
        float_tensor(x, what)
        nonempty_batch(x, what)
    else:
        batch_input(x, width, like, what)


def fits_layer(x: object, width: int | None, like: torch.Tensor | None) -> bool:
    """Would ``layer_input`` accept x? The same conditions, asked without building a message."""
    if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.numel() == 0:
        return False
    return width is None or (
        x.ndim == 2 and x.shape[1] == width and x.dtype == like.dtype and x.device == like.device
    )


def batch_input(x: object, width: int, like: torch.Tensor, what: str) -> torch.Tensor:
    """``x`` if it is a non-empty (B, width) floating-point batch with ``like``'s dtype and device.

    The checks every layer with parameters makes before it touches them (``like`` is one of them).
    """
    x = float_tensor(x, what)
    if x.ndim != 2 or x.shape[1] != width:
        raise ValueError(f"{what}: expected shape (B, {width}), got {tuple(x.shape)}")
    nonempty_batch(x, what)
    same_dtype(x, like.dtype, f"{what}, the parameters' dtype,")
    same_device(x, like.device, f"{what}, the parameters' device,")
    return x


def same_shape(got: torch.Tensor, expected: torch.Size, what: str) -> None:
    if got.shape != expected:
        raise ValueError(f"{what}: expected shape {tuple(expected)}, got {tuple(got.shape)}")


def same_dtype(got: torch.Tensor, expected: torch.dtype, what: str) -> None:
    if got.dtype != expected:
        raise TypeError(f"{what}: expected dtype {expected}, got {got.dtype}")


def same_device(got: torch.Tensor, expected: torch.device, what: str) -> None:
    """Tensors on two devices cannot meet in one operation; say so before any is attempted."""
    if got.device != expected:
        raise ValueError(
            f"{what}: expected a tensor on {expected}, got one on {got.device} "
            f"(move it with .to('{expected}'))"
        )


def device(value: torch.device | str | None, owner: str) -> torch.device:
    """``value`` as a ``torch.device`` this machine can allocate on, else a ValueError.

    Without the check, ``device="cuda"`` on a machine without CUDA fails deep inside torch with an
    ``AssertionError: Torch not compiled with CUDA enabled``. Cost: one empty allocation.
    """
    try:
        resolved = torch.device("cpu" if value is None else value)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"{owner}: device must name a torch device, got {value!r}") from err
    try:
        torch.empty(0, device=resolved)
    except (AssertionError, RuntimeError) as err:
        available = "available" if torch.cuda.is_available() else "not available"
        raise ValueError(
            f"{owner}: device {value!r} cannot be used on this machine (CUDA is {available}); "
            f"expected a device it has, e.g. 'cpu'. torch says: {err}"
        ) from None
    return resolved


def dout(
    value: object,
    shape: torch.Size,
    dtype: torch.dtype,
    device: torch.device,
    owner: object,
) -> torch.Tensor:
    """``value``, the dout given to backward, if it has the shape, dtype and device of what
    forward returned."""
    name = type(owner).__name__
    value = float_tensor(value, f"{name}.backward(dout)")
    same_shape(value, shape, f"{name}.backward(dout), the shape forward returned,")
    same_dtype(value, dtype, f"{name}.backward(dout)")
    same_device(value, device, f"{name}.backward(dout), the device forward ran on,")
    return value


def gradients(params: list[torch.Tensor], grads: list[torch.Tensor], owner: str) -> None:
    """Every gradient has its parameter's shape, dtype and device: the check before any update."""
    for i, (p, g) in enumerate(zip(params, grads, strict=True)):
        if g.shape != p.shape or g.dtype != p.dtype or g.device != p.device:
            raise ValueError(
                f"{owner}: gradient {i} must match its parameter, expected shape "
                f"{tuple(p.shape)}, {p.dtype} on {p.device}, got shape {tuple(g.shape)}, "
                f"{g.dtype} on {g.device}"
            )
