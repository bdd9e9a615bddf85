"""Numerical gradient checking: does ``backward`` agree with the definition of a derivative?

For every input element θ the central difference

    ∂f/∂θ ≈ (f(θ + ε) − f(θ − ε)) / 2ε        error O(ε²) from the math, O(u/ε) from rounding

is compared with what ``backward`` returned. Everything runs on a float64 copy (u ≈ 1e-16, so
ε = 1e-6 balances the two errors near 1e-10) and the original object is left untouched.

A layer is reduced to a scalar as f(x) = Σ forward(x) ⊙ R with a fixed random R, whose gradient is
exactly ``backward(R)``; a loss already is a scalar. Cost: two forward passes per checked element,
so keep the shapes small. Inputs must avoid kinks (ReLU at exactly 0), where no derivative exists.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch

from .layer import Layer
from .losses import Loss


def relative_error(analytic: torch.Tensor, numeric: torch.Tensor) -> float:
    """max|a − n| / max(max|a|, max|n|): scale-free, and 0.0 when both are exactly zero.

    Normalising by the largest entry rather than entry by entry keeps tiny true gradients, whose
    central differences are pure rounding noise, from dominating the verdict.
    """
    scale = max(analytic.abs().max().item(), numeric.abs().max().item()) if analytic.numel() else 0
    if scale == 0.0:
        return 0.0
    return (analytic - numeric).abs().max().item() / scale


def numerical_gradient(f: Callable[[], float], t: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Central differences of the scalar ``f()`` with respect to every element of ``t``.

    ``t`` is nudged in place and restored exactly. Cost: 2·t.numel() calls of ``f``.
    """
    grad = torch.zeros_like(t)
    flat, out = t.view(-1), grad.view(-1)
    for i in range(flat.numel()):
        original = flat[i].item()
        flat[i] = original + eps
        f_plus = f()
        flat[i] = original - eps
        f_minus = f()
        flat[i] = original
        out[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def backward_with_dx(layer: object, dout: torch.Tensor) -> torch.Tensor | None:
    """``layer.backward(dout)``, asking for dL/dx from a layer that skips it by default.

    A ``Sequential`` returns dL/dx only when asked (``need_dx=True``): its input is usually data.
    A checker needs that gradient, so it asks every layer that takes the argument.
    """
    if getattr(layer, "skips_dx", False):
        return layer.backward(dout, need_dx=True)
    return layer.backward(dout)


# The seed of the random upstream gradient R: far from the seeds data is usually drawn with (0, 1,
# 42). With the same seed and shape, R would *equal* x, and then xᵀ·R is symmetric: a transposed
# dW = Rᵀ·x would pass unnoticed.
UPSTREAM_SEED = 2_718_281


def _to_float64(obj: Layer) -> None:
    """Cast every floating-point tensor of ``obj`` and its sub-layers to float64, in place.

    Parameters, but also buffers such as BatchNorm's running statistics: a float32 buffer left
    behind would drag the whole computation back to float32 precision.
    """
    for name, value in vars(obj).items():
        if torch.is_tensor(value) and value.is_floating_point():
            setattr(obj, name, value.detach().to(torch.float64).contiguous())
    for child in obj.children():
        _to_float64(child)


def _named_layers(obj: Layer, prefix: str = "") -> list[tuple[str, Layer]]:
    named = [(prefix, obj)]
    for i, child in enumerate(obj.children()):
        named += _named_layers(child, f"{prefix}layers.{i}.")
    return named


def gradient_errors(
    obj: Layer | Loss,
    x: torch.Tensor,
    target: torch.Tensor | None = None,
    *,
    eps: float = 1e-6,
    seed: int = UPSTREAM_SEED,
) -> dict[str, float]:
    """The relative error of every gradient ``backward`` produces: ``{'x': …, 'W': …, …}``.

    ``obj`` is a layer (``x`` its input) or a loss (``x`` the prediction, ``target`` required).
    Parameters of nested layers are named by path, e.g. ``'layers.0.W'``.
    """
    obj = copy.deepcopy(obj)  # never disturb the caller's layer, its caches or its dtype
    x = x.detach().to(torch.float64).clone().contiguous()
    if isinstance(obj, Loss):
        if target is None:
            raise ValueError("gradient_errors: a loss needs its target")
        if target.is_floating_point():
            target = target.to(torch.float64)
        obj.forward(x, target)
        analytic = obj.backward()
        numeric = numerical_gradient(lambda: obj.forward(x, target).item(), x, eps)
        return {"x": relative_error(analytic, numeric)}

    if not isinstance(obj, Layer):
        raise TypeError(f"gradient_errors: expected a Layer or a Loss, got {type(obj).__name__}")
    _to_float64(obj)
    out = obj.forward(x)
    gen = torch.Generator().manual_seed(seed)
    R = torch.randn(out.shape, generator=gen, dtype=torch.float64)

    def scalar() -> float:
        return (obj.forward(x) * R).sum().item()

    obj.forward(x)
    errors = {"x": relative_error(backward_with_dx(obj, R), numerical_gradient(scalar, x, eps))}
    for path, layer in _named_layers(obj):
        for name in layer.param_names:
            analytic = getattr(layer, "d" + name)
            numeric = numerical_gradient(scalar, getattr(layer, name), eps)
            errors[path + name] = relative_error(analytic, numeric)
    return errors


def gradcheck(
    obj: Layer | Loss,
    x: torch.Tensor,
    target: torch.Tensor | None = None,
    *,
    eps: float = 1e-6,
    seed: int = UPSTREAM_SEED,
) -> float:
    """The largest relative error over all gradients of ``obj`` at ``x`` (see ``gradient_errors``).

    Typical values: ~1e-10 or below for a correct backward, ~1 for a wrong one.
    """
    return max(gradient_errors(obj, x, target, eps=eps, seed=seed).values())
