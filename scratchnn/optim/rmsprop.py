"""RMSProp: divide each gradient entry by a running root-mean-square of its own history."""

from __future__ import annotations

import torch

from ..layer import Layer
from .optimizer import Optimizer, check_eps, check_unit, check_weight_decay, with_l2


class RMSProp(Optimizer):
    """torch.optim.RMSprop (no momentum, not centred):

        g ← g + wd·p
        s ← α·s + (1 − α)·g²          s starts at 0
        p ← p − lr·g / (√s + ε)

    Every entry gets its own step size lr/√s: an entry whose gradients are large is slowed down,
    one whose gradients are tiny is sped up, so all move at a comparable pace. s is *not*
    bias-corrected: at the first step s = (1 − α)·g², so the step is lr/√(1 − α) = 10·lr for
    α = 0.99; Adam's bias correction removes exactly this start-up effect.

    Args:
        model: the ``Layer`` whose parameters to update.
        lr: learning rate, ≥ 0.
        alpha: α in [0, 1), the decay of the running mean of g² (0.99 by default).
        eps: ε > 0, added to √s (outside the root, as torch) so that 0/0 cannot happen.
        weight_decay: wd ≥ 0, L2 added to the gradient.

    Shapes: s has the shape of its parameter.
    Cost per step: about 8 FLOPs and one square root per parameter entry (+2 with weight decay),
    O(#params).
    Memory: per parameter, s, and temporaries the size of p for each operation on the right.
    """

    def __init__(
        self,
        model: Layer,
        lr: float,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        self.alpha = check_unit("RMSProp", "alpha", alpha)
        self.eps = check_eps("RMSProp", eps)
        self.weight_decay = check_weight_decay("RMSProp", weight_decay)
        super().__init__(model, lr)

    def _update(self, p, g, state):
        g = with_l2(g, p, self.weight_decay)
        s = state.setdefault("s", torch.zeros_like(p))
        s *= self.alpha
        s += (1.0 - self.alpha) * g * g  # s ← α·s + (1 − α)·g²
        p -= self.lr * g / (s.sqrt() + self.eps)

    def _hypers(self):
        return {
            "lr": self.lr,
            "alpha": self.alpha,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
        }
