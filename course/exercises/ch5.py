"""Exercises of chapter 5 (optimizers): checks and solutions.

5.1 ``momentum_step(p, g, v, lr, mu) -> (p_new, v_new)``, against ``Momentum`` over 5 steps;
5.2 ``adam_step(p, g, m, v, t, lr, beta1, beta2, eps) -> (p_new, m_new, v_new)``, against ``Adam``;
5.3 ``adam_state_floats(dims) -> int``, the numbers Adam stores for MLP(dims), against its state;
5.4 ``first_step_with_decay(p, g, lr, wd) -> (p_l2, p_decoupled)``, against ``Adam`` and ``AdamW``.

Every update is compared with the library's optimizer driven by the same seeded gradients.

The exercises live in ``ch5_updates`` (5.1, 5.2) and ``ch5_adam_state_decay`` (5.3, 5.4), their
shared seeded runs in ``ch5_run``; this module gathers them under the one name the notebook uses.
"""

from __future__ import annotations

from collections.abc import Callable

from .ch5_adam_state_decay import D_LR as D_LR
from .ch5_adam_state_decay import DECAY as DECAY
from .ch5_adam_state_decay import MEMORY as MEMORY
from .ch5_adam_state_decay import MEMORY_CASES as MEMORY_CASES
from .ch5_adam_state_decay import WD as WD
from .ch5_adam_state_decay import _adam_state_numel as _adam_state_numel
from .ch5_adam_state_decay import (
    check_adam_state_floats,
    check_first_step_with_decay,
    solution_adam_state_floats,
    solution_first_step_with_decay,
)
from .ch5_run import SHAPE as SHAPE
from .ch5_run import STEPS as STEPS
from .ch5_run import TOL as TOL
from .ch5_run import _library_run as _library_run
from .ch5_run import _match_run as _match_run
from .ch5_run import _Param as _Param
from .ch5_run import _start as _start
from .ch5_run import _tensors as _tensors
from .ch5_updates import A_LR as A_LR
from .ch5_updates import ADAM as ADAM
from .ch5_updates import BETA1 as BETA1
from .ch5_updates import BETA2 as BETA2
from .ch5_updates import EPS as EPS
from .ch5_updates import M_LR as M_LR
from .ch5_updates import MOMENTUM as MOMENTUM
from .ch5_updates import MU as MU
from .ch5_updates import _adam_variant as _adam_variant
from .ch5_updates import _first_ratio as _first_ratio
from .ch5_updates import _momentum_variant as _momentum_variant
from .ch5_updates import (
    check_adam_step,
    check_momentum_step,
    solution_adam_step,
    solution_momentum_step,
)

__all__ = [
    "EXERCISES",
    "check_adam_state_floats",
    "check_adam_step",
    "check_first_step_with_decay",
    "check_momentum_step",
    "solution_adam_state_floats",
    "solution_adam_step",
    "solution_first_step_with_decay",
    "solution_momentum_step",
]

EXERCISES: tuple[tuple[Callable, Callable], ...] = (
    (check_momentum_step, solution_momentum_step),
    (check_adam_step, solution_adam_step),
    (check_adam_state_floats, solution_adam_state_floats),
    (check_first_step_with_decay, solution_first_step_with_decay),
)
