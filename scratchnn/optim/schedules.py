"""Learning-rate schedules: set ``optimizer.lr`` once per epoch from a closed-form formula::

    sched = CosineLR(opt, t_max=50)
    for epoch in range(50):
        train_one_epoch(opt)
        sched.step()                 # epoch ← epoch + 1, opt.lr ← lr_at(epoch)

Each schedule remembers the optimizer's lr at construction as ``base_lr``. Both match
torch.optim.lr_scheduler (StepLR, CosineAnnealingLR). Torch updates the lr recursively, each value
from the previous one; here each value comes straight from the formula, so the two agree up to
torch's accumulated rounding (see ``CosineLR``). Cost: O(1) per epoch, no tensors.
"""

from __future__ import annotations

import math
import numbers

from .optimizer import Optimizer, check_hyper


def _check_positive_int(owner: str, name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{owner}: {name} must be a positive int, got {value!r}")
    return int(value)


def _check_optimizer(owner: str, optimizer: object) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{owner}: expected a scratchnn Optimizer, got {type(optimizer).__name__}")
    return optimizer


class LRSchedule:
    """Shared plumbing: ``epoch`` counts calls to ``step()``; ``lr_at(epoch)`` is the formula."""

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0

    def lr_at(self, epoch: int) -> float:
        raise NotImplementedError

    def step(self) -> None:
        """End of an epoch: advance the count and set the optimizer's lr for the next one."""
        lr = self.lr_at(self.epoch + 1)  # computed (and checked by the setter) before the count
        self.optimizer.lr = lr
        self.epoch += 1

    @property
    def lr(self) -> float:
        """The lr this schedule sets for the current epoch."""
        return self.lr_at(self.epoch)


class StepLR(LRSchedule):
    """lr(e) = base_lr · γ^⌊e / step_size⌋: multiply by γ every ``step_size`` epochs.

    Args:
        optimizer: a scratchnn ``Optimizer``; its current lr becomes ``base_lr``.
        step_size: epochs between drops, a positive int.
        gamma: γ > 0, the factor at each drop (0.1 by default).
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = _check_positive_int("StepLR", "step_size", step_size)
        self.gamma = check_hyper("StepLR", "gamma", gamma, lambda v: v > 0.0, "a number > 0")
        super().__init__(_check_optimizer("StepLR", optimizer))

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class CosineLR(LRSchedule):
    """lr(e) = η_min + (base_lr − η_min) · (1 + cos(π·e / t_max)) / 2.

    Falls from base_lr at e = 0 to η_min at e = t_max along half a cosine: slowly at first, fast in
    the middle, slowly again at the end. Past t_max the formula keeps going, rising back to base_lr
    at 2·t_max (period 2·t_max), which is what torch's CosineAnnealingLR does too.

    Torch computes each value from the previous one, ``lr ← η_min + (lr − η_min)·ratio``, and its
    rounding errors accumulate. Measured with torch 2.13: for η_min < base_lr its values stay within
    5e-12 (relative) of this formula over 10·t_max epochs for t_max ≤ 1000, but when η_min > base_lr
    (a rising schedule) torch drifts from its own formula by 2.4e-9 within 2·t_max epochs at
    t_max = 1000 (see tests/optim/test_schedules.py).

    Args:
        optimizer: a scratchnn ``Optimizer``; its current lr becomes ``base_lr``.
        t_max: epochs from base_lr down to η_min, a positive int.
        eta_min: η_min ≥ 0, the final lr (0 by default).
    """

    def __init__(self, optimizer: Optimizer, t_max: int, eta_min: float = 0.0) -> None:
        self.t_max = _check_positive_int("CosineLR", "t_max", t_max)
        self.eta_min = check_hyper("CosineLR", "eta_min", eta_min, lambda v: v >= 0.0, "≥ 0")
        super().__init__(_check_optimizer("CosineLR", optimizer))

    def lr_at(self, epoch: int) -> float:
        cosine = (1.0 + math.cos(math.pi * epoch / self.t_max)) / 2.0  # 1 at e = 0, 0 at t_max
        return self.eta_min + (self.base_lr - self.eta_min) * cosine
