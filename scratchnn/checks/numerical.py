"""What both checkers stand on: central differences, a scale-free error, and a float64 copy.

``gradcheck`` (one number: does backward agree?) and ``diagnose`` (which gradient is wrong, and
what mistake makes it so) measure the same thing in the same way, with the pieces here:

- ``numerical_gradient``: the central difference (f(θ + ε) − f(θ − ε)) / 2ε of a scalar f for
  every element θ of a tensor; error O(ε²) from the math, O(u/ε) from rounding;
- ``relative_error``: max|a − n| / max(max|a|, max|n|);
- ``float64_copy``: a deep copy of a layer (and its sub-layers) with every floating-point tensor
  in float64, so that u ≈ 1e-16 and ε = 1e-6 balance the two errors near 1e-10, and the caller's
  object is never touched;
- ``upstream``: the seeded random R that reduces a layer to the scalar f(x) = Σ forward(x) ⊙ R,
  whose gradient is exactly ``backward(R)``;
- ``named_layers``: the layer and its sub-layers, named by path ('', 'layers.0.', …), so that a
  gradient is reported as 'layers.0.W'.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence

import torch

from ..layer import Layer

# The seed of the random upstream gradient R: far from the seeds data is usually drawn with (0, 1,
# 42). With the same seed and shape, R would *equal* x, and then xᵀ·R is symmetric: a transposed
# dW = Rᵀ·x would pass unnoticed.
UPSTREAM_SEED = 2_718_281


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


def upstream(shape: torch.Size, seed: int = UPSTREAM_SEED) -> torch.Tensor:
    """R: float64 standard normal of ``shape``, the same for a seed on every run (1.0 if 0-dim:
    a forward that returns a scalar, a loss, is its own f)."""
    if len(shape) == 0:
        return torch.tensor(1.0, dtype=torch.float64)
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def children(obj: object) -> list:
    """The sub-layers of ``obj`` (none for a learner's class without ``children``)."""
    return list(obj.children()) if hasattr(obj, "children") else []


def named_layers(obj: object, prefix: str = "") -> list[tuple[str, object]]:
    """[(path, layer)] for ``obj`` and every sub-layer, depth first: ('', net), ('layers.0.', …)."""
    named = [(prefix, obj)]
    for i, child in enumerate(children(obj)):
        named += named_layers(child, f"{prefix}layers.{i}.")
    return named


def param_names(layer: object, root: object, params: Sequence[str] | None) -> tuple[str, ...]:
    """The names of ``layer``'s parameters: ``params`` if given for the root, else its own."""
    if layer is root and params is not None:
        return tuple(params)
    return tuple(getattr(layer, "param_names", ()))


def float64_copy(obj: object, params: Sequence[str] | None = None) -> object:
    """A deep copy with every floating-point tensor attribute (parameters, running statistics,
    stale caches) of it and its sub-layers in float64 and contiguous, so that
    ``numerical_gradient`` can nudge it in place.

    A float32 tensor left behind (a BatchNorm running mean) would drag the whole computation back
    to float32 precision.
    """
    obj = copy.deepcopy(obj)
    for _, layer in named_layers(obj):
        names = set(param_names(layer, obj, params))
        names |= {k for k, v in getattr(layer, "__dict__", {}).items() if torch.is_tensor(v)}
        for name in sorted(names):
            t = getattr(layer, name)
            if t.is_floating_point():
                setattr(layer, name, t.detach().to(torch.float64).contiguous())
    return obj


def backward_with_dx(layer: object, dout: torch.Tensor) -> torch.Tensor | None:
    """``layer.backward(dout)``, asking a ``Layer`` for dL/dx (``need_dx=True``).

    A ``Sequential`` returns dL/dx only when asked: its input is usually data. A checker needs
    that gradient. An object that is not a ``Layer`` (a loss, a duck-typed layer) is called plainly.
    """
    if isinstance(layer, Layer):
        return layer.backward(dout, need_dx=True)
    return layer.backward(dout)
