"""Exercises of chapter 2 (activation functions): checks and solutions.

2.1 ``tanh_backward(x, y, dout) -> dx`` from the cached output y = tanh(x);
2.2 ``elu_backward(x, y, dout) -> dx`` (α = 1) from the cached input x;
2.3 ``swish_backward(x, y, dout) -> dx``, the product rule;
2.4 ``flat_points() -> (x_sigmoid, x_tanh)``, where the slope falls below 0.1.

The backward passes are checked by ``course.diagnosis.diagnose_function``, which also calls them
with x and y swapped to tell a formula that reads the wrong one.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from course.diagnosis import diagnose_function
from scratchnn.activations import ELU, sigmoid
from scratchnn.checks.numerical import upstream

from ._check import F64, Result, as_float, call, describe, from_diagnosis, passed, same, wrong

__all__ = [
    "EXERCISES",
    "check_elu_backward",
    "check_flat_points",
    "check_swish_backward",
    "check_tanh_backward",
    "solution_elu_backward",
    "solution_flat_points",
    "solution_swish_backward",
    "solution_tanh_backward",
]

B, N = 5, 3


def _x() -> torch.Tensor:
    # Spread over the interesting range, both signs; no entry is near ELU's kink at 0.
    return 2.0 * torch.randn(B, N, generator=torch.Generator().manual_seed(21), dtype=F64)


# The forward functions the checks differentiate; their names head the checker's messages.
def tanh(x: torch.Tensor) -> torch.Tensor:
    return torch.tanh(x)


def elu(x: torch.Tensor) -> torch.Tensor:
    return ELU(alpha=1.0).forward(x)


def swish(x: torch.Tensor) -> torch.Tensor:
    return x * sigmoid(x)


def _check_pair(exercise: str, forward: Callable, backward: Callable, extra=()) -> Result:
    """Diagnose ``backward``; if no catalogued mistake matches, try the exercise's own ``extra``
    patterns ``(candidate(x, y, dout) -> gradient, hint)``."""
    x = _x()
    y = forward(x)
    dout = upstream(y.shape)  # the upstream gradient diagnose_function uses
    dx, failed = call(exercise, backward, x.clone(), y.clone(), dout.clone())
    if failed:
        return failed
    if not torch.is_tensor(dx):
        return wrong(exercise, f"Return dx, a tensor of x's shape {tuple(x.shape)}.")
    diagnosis, failed = call(exercise, diagnose_function, forward, backward, x)
    if failed:
        return failed
    result = from_diagnosis(exercise, diagnosis)
    if result.ok or result.mistake is not None:
        return result
    for candidate, key, hint in extra:
        if same(dx.detach().to(F64), candidate(x, y, dout)):
            return wrong(exercise, f"{diagnosis.message.splitlines()[0]}\n- {hint}", key)
    return result


# --- 2.1 tanh, from its output -----------------------------------------------------------------

TANH = "Exercise 2.1 (tanh's backward pass)"


def solution_tanh_backward(x, y, dout):
    """x, y = tanh(x), dout = dL/dy: all (B, N) -> dx = dout·(1 − y²), (B, N).

    The derivative needs only the output: no second tanh.
    """
    return dout * (1.0 - y * y)


def check_tanh_backward(tanh_backward: Callable) -> Result:
    """Check ``tanh_backward(x, y, dout) -> dx`` on a (5, 3) batch."""
    extra = (
        (
            lambda x, y, dout: 1.0 - y * y,
            "forgot_dout",
            "dx equals tanh′(x) alone: multiply by dout, the gradient arriving from above "
            "(the chain rule).",
        ),
    )
    return _check_pair(TANH, tanh, tanh_backward, extra)


# --- 2.2 ELU, from its input -------------------------------------------------------------------

ELU_TITLE = "Exercise 2.2 (ELU's backward pass)"


def solution_elu_backward(x, y, dout):
    """x, y = ELU(x) with α = 1, dout: all (B, N) -> dx = dout where x > 0, else dout·eˣ.

    ``clamp`` keeps exp from overflowing in the branch that ``where`` throws away.
    """
    return torch.where(x > 0, dout, dout * torch.exp(x.clamp(max=0.0)))


def check_elu_backward(elu_backward: Callable) -> Result:
    """Check ``elu_backward(x, y, dout) -> dx`` (α = 1) on a (5, 3) batch."""
    extra = (
        (
            lambda x, y, dout: torch.where(x > 0, dout, torch.exp(x)),
            "forgot_dout",
            "for x ≤ 0, dx equals eˣ alone: multiply by dout there too.",
        ),
        (
            lambda x, y, dout: torch.where(x > 0, dout, dout * y),
            "elu_value",
            "for x ≤ 0, dx uses f(x) = eˣ − 1 as the slope; the slope is eˣ = f(x) + 1.",
        ),
    )
    return _check_pair(ELU_TITLE, elu, elu_backward, extra)


# --- 2.3 Swish, the product rule ---------------------------------------------------------------

SWISH = "Exercise 2.3 (Swish's backward pass)"


def solution_swish_backward(x, y, dout):
    """x, y = x·σ(x), dout: all (B, N) -> dx = dout·σ(x)(1 + x(1 − σ(x))).

    The product rule: (x·σ)′ = σ + x·σ′, with σ′ = σ(1 − σ).
    """
    s = sigmoid(x)
    return dout * s * (1.0 + x * (1.0 - s))


def check_swish_backward(swish_backward: Callable) -> Result:
    """Check ``swish_backward(x, y, dout) -> dx`` on a (5, 3) batch."""
    extra = (
        (
            lambda x, y, dout: dout * sigmoid(x),
            "product_rule",
            "dx equals dout·σ(x): the first term of the product rule only. (x·σ(x))′ = "
            "σ(x) + x·σ′(x).",
        ),
        (
            lambda x, y, dout: dout * sigmoid(x) * (1.0 - sigmoid(x)),
            "product_rule",
            "dx equals dout·σ′(x), the slope of the sigmoid alone; Swish is x·σ(x), so use the "
            "product rule: (x·σ(x))′ = σ(x) + x·σ′(x).",
        ),
    )
    return _check_pair(SWISH, swish, swish_backward, extra)


# --- 2.4 Where the slope falls below 0.1 -------------------------------------------------------

FLAT = "Exercise 2.4 (where the slope falls below 0.1)"
SLOPE = 0.1
TOLERANCE = 1e-3


def solution_flat_points():
    """The x > 0 beyond which σ′(x) < 0.1, and the same for tanh′, solved exactly.

    σ′ = s(1 − s) = 0.1 at s = (1 + √0.6)/2, and x = log(s/(1 − s)) inverts the sigmoid.
    tanh′ = 1 − t² = 0.1 at t = √0.9, and x = artanh(t).
    """
    s = (1.0 + math.sqrt(1.0 - 4 * 0.1)) / 2.0
    x_sigmoid = math.log(s / (1.0 - s))
    x_tanh = math.atanh(math.sqrt(1.0 - 0.1))
    return x_sigmoid, x_tanh


def _slopes(x: float) -> tuple[float, float]:
    s = sigmoid(torch.tensor(x, dtype=F64)).item()
    return s * (1.0 - s), 1.0 - math.tanh(x) ** 2


def check_flat_points(flat_points: Callable) -> Result:
    """Check ``flat_points() -> (x_sigmoid, x_tanh)`` to within 1e-3."""
    out, failed = call(FLAT, flat_points)
    if failed:
        return failed
    pair = [as_float(v) for v in out] if isinstance(out, (tuple, list)) else []
    if len(pair) != 2 or None in pair:
        return wrong(FLAT, f"Return a pair of numbers (x_sigmoid, x_tanh), not {describe(out)}.")
    truth = solution_flat_points()
    if all(abs(a - t) < TOLERANCE for a, t in zip(pair, truth, strict=True)):
        return passed(
            FLAT,
            f"σ′(x) < {SLOPE} for |x| > {truth[0]:.4f} and tanh′(x) < {SLOPE} for "
            f"|x| > {truth[1]:.4f}.",
        )
    if abs(pair[0] - truth[1]) < TOLERANCE and abs(pair[1] - truth[0]) < TOLERANCE:
        return wrong(FLAT, "Both values are right but swapped: sigmoid first, then tanh.", "swap")
    lines = []
    for name, got, right, index in (
        ("x_sigmoid", pair[0], truth[0], 0),
        ("x_tanh", pair[1], truth[1], 1),
    ):
        if abs(got - right) < TOLERANCE:
            continue
        if got < 0:
            lines.append(f"- {name} is negative: give the positive point (both slopes are even).")
            continue
        slope = _slopes(got)[index]
        side = "already below" if slope < SLOPE else "still above"
        lines.append(
            f"- At {name} = {got:.4g} the slope is {slope:.4f}, {side} {SLOPE}: the point is "
            f"{'closer to 0' if slope < SLOPE else 'further out'}."
        )
    return wrong(FLAT, "\n".join(lines))


EXERCISES: tuple[tuple[Callable, Callable], ...] = (
    (check_tanh_backward, solution_tanh_backward),
    (check_elu_backward, solution_elu_backward),
    (check_swish_backward, solution_swish_backward),
    (check_flat_points, solution_flat_points),
)
