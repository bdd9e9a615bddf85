"""Adam and AdamW: momentum on the gradient, RMSProp on its square, both bias-corrected.

The two differ only in how weight decay enters, and that difference matters:

- ``Adam(weight_decay=wd)`` adds wd·p to the gradient (L2 regularisation, as torch.optim.Adam).
  The decay term then goes through the division by √v̂ like the rest of the gradient, so entries
  with large gradient history are barely decayed at all.
- ``AdamW`` shrinks the weights directly, p ← p − lr·wd·p, before and outside the adaptive update
  (decoupled weight decay, as torch.optim.AdamW): every entry decays at the same rate.

For plain SGD the two forms are the same update; for Adam they are not.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ..layer import Layer
from .optimizer import Optimizer, check_eps, check_unit, check_weight_decay, with_l2


def _check_betas(owner: str, betas: object) -> tuple[float, float]:
    if not isinstance(betas, Sequence) or isinstance(betas, str) or len(betas) != 2:
        raise ValueError(f"{owner}: betas must be a pair (beta1, beta2), got {betas!r}")
    return check_unit(owner, "betas[0]", betas[0]), check_unit(owner, "betas[1]", betas[1])


class Adam(Optimizer):
    """torch.optim.Adam (amsgrad=False). At step t = 1, 2, …, for every parameter p:

        g ← g + wd·p                               (only for weight_decay > 0)
        m ← β₁·m + (1 − β₁)·g                      running mean of g,  m starts at 0
        v ← β₂·v + (1 − β₂)·g²                     running mean of g², v starts at 0
        m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ)     bias correction
        p ← p − lr · m̂ / (√v̂ + ε)

    Why the correction: m and v start at 0, so early on they are averages over a history padded
    with zeros. With a constant gradient g, m = (1 − β₁ᵗ)·g exactly; dividing by 1 − β₁ᵗ gives g
    back. Without it, the first step would be lr·(1 − β₁)/√(1 − β₂)·sign(g) ≈ 3.16·lr rather
    than lr (β = 0.9, 0.999): the correction makes the first steps about lr long.

    Args:
        model: the ``Layer`` whose parameters to update.
        lr: learning rate, ≥ 0 (1e-3 by default).
        betas: (β₁, β₂), each in [0, 1) ((0.9, 0.999) by default).
        eps: ε > 0, added to √v̂ (1e-8 by default).
        weight_decay: wd ≥ 0, L2 added to the gradient (0 by default); see ``AdamW``.

    Shapes: m and v have the shape of their parameter.
    Cost per step: about 13 FLOPs and one square root per parameter entry, O(#params).
    Memory: per parameter, m and v, and temporaries the size of p for the expressions on the
    right (m̂, v̂, √v̂ + ε, …; g + wd·p for Adam's L2), freed at the end of the step.

    The code follows the formulas line by line. Folding both corrections into one scalar saves a
    pass over m and one over v; benchmarks/bench_fused.py measures that form against this one.
    """

    _decoupled = False  # AdamW sets this

    def __init__(
        self,
        model: Layer,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        name = type(self).__name__
        self.betas = _check_betas(name, betas)
        self.eps = check_eps(name, eps)
        self.weight_decay = check_weight_decay(name, weight_decay)
        super().__init__(model, lr)

    def _update(self, p, g, state):
        beta1, beta2 = self.betas
        lr, wd, t = self.lr, self.weight_decay, self.steps + 1  # t: the step being taken
        if self._decoupled:
            p *= 1.0 - lr * wd  # AdamW: p ← p − lr·wd·p, outside the adaptive update
        else:
            g = with_l2(g, p, wd)  # Adam: g ← g + wd·p, inside it
        m = state.setdefault("m", torch.zeros_like(p))
        v = state.setdefault("v", torch.zeros_like(p))
        m.lerp_(g, 1.0 - beta1)  # m + (1 − β₁)(g − m) = β₁·m + (1 − β₁)·g
        v *= beta2
        v += (1.0 - beta2) * g * g  # v ← β₂·v + (1 − β₂)·g²
        m_hat = m / (1.0 - beta1**t)
        v_hat = v / (1.0 - beta2**t)
        p -= lr * m_hat / (v_hat.sqrt() + self.eps)

    def _hypers(self):
        return {
            "lr": self.lr,
            "betas": self.betas,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
        }


class AdamW(Adam):
    """torch.optim.AdamW: decoupled weight decay, then the Adam update without any L2 term:

        p ← p − lr·wd·p
        p ← Adam update of p with the raw gradient g (see ``Adam``)

    Args: as ``Adam``, but ``weight_decay`` defaults to 0.01.
    Shapes, cost, memory: as ``Adam`` (+1 FLOP per entry for the decay).
    """

    _decoupled = True

    def __init__(
        self,
        model: Layer,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(model, lr, betas, eps, weight_decay)
