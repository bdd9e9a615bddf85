"""Stochastic gradient descent, plain and with (heavy-ball or Nesterov) momentum.

Both follow torch.optim.SGD exactly, including where weight decay enters: it is added to the
gradient, g ← g + wd·p, which is the gradient of the L2 penalty (wd/2)·‖p‖². For plain SGD that is
the same as shrinking the weights, p ← (1 − lr·wd)·p − lr·g: for SGD, L2 and "weight decay" agree.
"""

from __future__ import annotations

from ..layer import Layer
from .optimizer import Optimizer, check_unit, check_weight_decay, with_l2


class SGD(Optimizer):
    """p ← p − lr·(g + wd·p).

    Args:
        model: the ``Layer`` whose parameters to update.
        lr: learning rate, ≥ 0.
        weight_decay: wd ≥ 0, L2 added to the gradient (0 by default).

    Shapes: every parameter p and its gradient g have the same shape, any shape.
    Cost per step: 2 FLOPs per parameter entry (4 with weight decay), O(#params).
    Memory: no state; a temporary lr·g per parameter (and g + wd·p).
    """

    def __init__(self, model: Layer, lr: float, weight_decay: float = 0.0) -> None:
        self.weight_decay = check_weight_decay("SGD", weight_decay)
        super().__init__(model, lr)

    def _update(self, p, g, state):
        g = with_l2(g, p, self.weight_decay)
        p -= self.lr * g

    def _hypers(self):
        return {"lr": self.lr, "weight_decay": self.weight_decay}


class Momentum(Optimizer):
    """SGD with momentum, torch's convention (no dampening):

        g ← g + wd·p
        v ← g                 at the first step
        v ← μ·v + g           afterwards
        p ← p − lr·v                      (heavy ball)
        p ← p − lr·(g + μ·v)              (nesterov=True)

    With a constant gradient g, v tends to g/(1 − μ): momentum 0.9 takes steps up to 10 times
    longer than plain SGD along directions where the gradient keeps its sign, while components that
    flip sign from step to step cancel in v. Nesterov's form steps along g + μ·v, which is the
    velocity the next step would have if the gradient stayed g: a look-ahead that damps overshoot.

    Args:
        model: the ``Layer`` whose parameters to update.
        lr: learning rate, ≥ 0.
        momentum: μ in [0, 1) (0.9 by default). Nesterov needs μ > 0.
        nesterov: use the Nesterov form above.
        weight_decay: wd ≥ 0, L2 added to the gradient.

    Shapes: v has the shape of its parameter.
    Cost per step: 4 FLOPs per parameter entry (6 with Nesterov, +2 with weight decay), O(#params).
    Memory: per parameter, v, and temporaries: lr·v (L2's g + wd·p; Nesterov's g + μ·v).
    """

    def __init__(
        self,
        model: Layer,
        lr: float,
        momentum: float = 0.9,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        self.momentum = check_unit("Momentum", "momentum", momentum)
        if not isinstance(nesterov, bool):
            raise ValueError(f"Momentum: nesterov must be True or False, got {nesterov!r}")
        if nesterov and self.momentum == 0.0:
            raise ValueError("Momentum: nesterov=True needs momentum > 0, got momentum=0.0")
        self.nesterov = nesterov
        self.weight_decay = check_weight_decay("Momentum", weight_decay)
        super().__init__(model, lr)

    def _update(self, p, g, state):
        mu = self.momentum
        g = with_l2(g, p, self.weight_decay)
        v = state.get("v")
        if v is None:
            v = state["v"] = g.clone()  # first step: v = g, no decay of a non-existent past
        else:
            v.mul_(mu).add_(g)  # v ← μ·v + g
        p -= self.lr * (g + mu * v if self.nesterov else v)

    def _hypers(self):
        return {
            "lr": self.lr,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "weight_decay": self.weight_decay,
        }
