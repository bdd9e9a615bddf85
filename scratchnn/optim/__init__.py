"""Optimizers and learning-rate schedules, each a few in-place tensor operations per parameter.

    SGD, Momentum, RMSProp, Adam, AdamW     update rules, matching torch.optim step for step
    StepLR, CosineLR                         schedules, matching torch.optim.lr_scheduler

Every optimizer takes a model (any ``Layer``), holds ``model.parameters()`` and updates them in
place from ``model.gradients()`` at each ``step()``.
"""

from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSProp
from .schedules import CosineLR, LRSchedule, StepLR
from .sgd import SGD, Momentum

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CosineLR",
    "LRSchedule",
    "Momentum",
    "Optimizer",
    "RMSProp",
    "StepLR",
]
