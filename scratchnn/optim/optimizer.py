"""What every optimizer shares: hold the parameters once, read fresh gradients at every step.

An optimizer is built from a model (any ``Layer``: a ``Linear``, an ``MLP``, a ``Sequential``)::

    opt = Adam(model, lr=1e-3)
    for x, y in batches:
        loss.forward(model.forward(x), y)
        model.backward(loss.backward())
        opt.step()                      # reads model.gradients(), updates model.parameters()

It keeps the list ``model.parameters()`` from construction and updates those tensors **in place**,
so the model sees every update without being told. Per-parameter state (a velocity, running
averages) lives in ``opt.state[i]``, a dict of tensors shaped like parameter i, created lazily at
the first step. ``opt.lr`` is a plain, validated attribute: a schedule changes it between epochs.

A subclass writes only its update rule, ``_update(p, g, state)``, as plain in-place tensor math.
The guarantee lives here, in ``step``: every check runs before any tensor changes (the gradients
exist and match their parameters in shape, dtype and device, the parameters are still the
model's), so a step that fails changes nothing. Past the checks, the update's tensor operations
have nothing left to fail on; only an interrupt (Ctrl-C) between two parameters could stop a
step part way. Undoing that too would cost a copy of every parameter and state tensor per step,
several times the cost of an SGD update.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import torch

from .. import _validate
from ..layer import Layer


def check_hyper(
    owner: str, name: str, value: object, ok: Callable[[float], bool], expected: str
) -> float:
    """``float(value)`` if it is a finite real number that passes ``ok``, else a ValueError.

    The message names the optimizer, the hyper-parameter, what was expected and what came:
    ``Adam: betas[0] must be in [0, 1), got 1.0``.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or not ok(float(value))
    ):
        raise ValueError(f"{owner}: {name} must be {expected}, got {value!r}")
    return float(value)


def check_lr(owner: str, lr: object) -> float:
    return check_hyper(owner, "lr", lr, lambda v: v >= 0.0, "a finite number ≥ 0")


def check_weight_decay(owner: str, weight_decay: object) -> float:
    return check_hyper(owner, "weight_decay", weight_decay, lambda v: v >= 0.0, "a number ≥ 0")


def check_eps(owner: str, eps: object) -> float:
    return check_hyper(owner, "eps", eps, lambda v: v > 0.0, "a number > 0")


def check_unit(owner: str, name: str, value: object) -> float:
    """A decay rate (momentum, alpha, a beta): in [0, 1), so that old information fades."""
    return check_hyper(owner, name, value, lambda v: 0.0 <= v < 1.0, "in [0, 1)")


def with_l2(grad: torch.Tensor, param: torch.Tensor, weight_decay: float) -> torch.Tensor:
    """The gradient of L + (wd/2)·‖p‖², i.e. g + wd·p (a new tensor; ``grad`` is not modified).

    This is "L2 regularisation added to the gradient", the ``weight_decay`` of torch.optim.SGD,
    RMSprop and Adam. Cost: 2 FLOPs per entry; nothing at all when wd = 0.
    """
    return grad + weight_decay * param if weight_decay else grad


class Optimizer:
    """Base class: holds ``model.parameters()``; ``step()`` applies ``_update`` to each one.

    Args:
        model: a ``Layer`` with at least one parameter.
        lr: the learning rate, ≥ 0; a schedule may change ``opt.lr`` later.

    Attributes:
        params: the parameter tensors, held from construction and updated in place.
        state: one dict per parameter, e.g. ``{"v": tensor}``, each tensor shaped like it.
        steps: how many steps have been taken (Adam's bias correction counts with it).

    Cost of ``step()``: O(#parameters) element-wise work, a few FLOPs per entry; see subclasses.
    """

    def __init__(self, model: Layer, lr: float) -> None:
        name = type(self).__name__
        lr = check_lr(name, lr)
        if not callable(getattr(model, "parameters", None)) or not callable(
            getattr(model, "gradients", None)
        ):
            raise TypeError(
                f"{name}: expected a Layer (with parameters() and gradients()), "
                f"got {type(model).__name__}"
            )
        params = list(model.parameters())
        if not params:
            raise ValueError(f"{name}: {type(model).__name__} has no parameters to optimize")
        for i, p in enumerate(params):
            if not isinstance(p, torch.Tensor) or not p.is_floating_point():
                raise TypeError(f"{name}: parameter {i} is not a floating-point tensor")
        self.model = model
        self.params = params
        self.state: list[dict[str, torch.Tensor]] = [{} for _ in params]
        self.steps = 0
        self._lr = lr

    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_lr(type(self).__name__, value)  # checked before it is stored

    def step(self) -> None:
        """One update of every parameter from the gradients of the latest ``backward``."""
        grads = self._checked_gradients()  # every check passes before any tensor changes
        for p, g, state in zip(self.params, grads, self.state, strict=True):
            self._update(p, g, state)
        self.steps += 1

    def _checked_gradients(self) -> list[torch.Tensor]:
        name = type(self).__name__
        grads = self.model.gradients()  # RuntimeError if backward has not run yet
        current = self.model.parameters()
        if len(current) != len(self.params) or any(
            a is not b for a, b in zip(current, self.params, strict=True)
        ):
            raise RuntimeError(
                f"{name}: the model's parameters were replaced by new tensors after the optimizer "
                "was built; update parameters in place (p.copy_(...)) or build a new optimizer"
            )
        _validate.gradients(self.params, grads, name)
        return grads

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: dict[str, torch.Tensor]) -> None:
        """The rule: update ``p`` (and its ``state``) in place from its gradient ``g``, for step
        ``self.steps + 1``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        hypers = ", ".join(f"{k}={v!r}" for k, v in self._hypers().items())
        return f"{type(self).__name__}({hypers})"

    def _hypers(self) -> dict[str, object]:
        return {"lr": self.lr}
