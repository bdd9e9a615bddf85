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

import torch

from ..layer import Layer
from ..losses import Loss
from .numerical import (
    UPSTREAM_SEED,
    backward_with_dx,
    float64_copy,
    named_layers,
    numerical_gradient,
    relative_error,
    upstream,
)


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
    if not isinstance(obj, Layer | Loss):
        raise TypeError(f"gradient_errors: expected a Layer or a Loss, got {type(obj).__name__}")
    if isinstance(obj, Loss) and target is None:
        raise ValueError("gradient_errors: a loss needs its target")
    obj = float64_copy(obj)  # never disturb the caller's layer, its caches or its dtype
    x = x.detach().to(torch.float64).clone().contiguous()
    if isinstance(obj, Loss):
        if target.is_floating_point():
            target = target.to(torch.float64)
        obj.forward(x, target)
        analytic = obj.backward()
        numeric = numerical_gradient(lambda: obj.forward(x, target).item(), x, eps)
        return {"x": relative_error(analytic, numeric)}

    R = upstream(obj.forward(x).shape, seed)

    def scalar() -> float:
        return (obj.forward(x) * R).sum().item()

    obj.forward(x)
    errors = {"x": relative_error(backward_with_dx(obj, R), numerical_gradient(scalar, x, eps))}
    for path, layer in named_layers(obj):
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
