"""Exercises of chapter 5 (optimizers): checks and solutions.

5.1 ``momentum_step(p, g, v, lr, mu) -> (p_new, v_new)``, against ``Momentum`` over 5 steps;
5.2 ``adam_step(p, g, m, v, t, lr, beta1, beta2, eps) -> (p_new, m_new, v_new)``, against ``Adam``;
5.3 ``adam_state_floats(dims) -> int``, the numbers Adam stores for MLP(dims), against its state;
5.4 ``first_step_with_decay(p, g, lr, wd) -> (p_l2, p_decoupled)``, against ``Adam`` and ``AdamW``.

Every update is compared with the library's optimizer driven by the same seeded gradients.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import torch

from scratchnn.cost import parameter_count
from scratchnn.layer import Layer
from scratchnn.mlp import MLP
from scratchnn.optim import Adam, AdamW, Momentum

from ._check import F64, Result, as_float, call, describe, passed, same, wrong

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

SHAPE = (3, 4)
STEPS = 5
TOL = 1e-9


class _Param(Layer):
    """The smallest model an optimizer accepts: one parameter ``p`` and its gradient ``dp``."""

    param_names = ("p",)

    def __init__(self, p: torch.Tensor) -> None:
        self.p = p.clone()
        self.dp: torch.Tensor | None = None


def _start(seed: int) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """A (3, 4) parameter and 5 gradients. The gradients share a drift, so the steps add up."""
    gen = torch.Generator().manual_seed(seed)
    p = torch.randn(SHAPE, generator=gen, dtype=F64)
    drift = torch.randn(SHAPE, generator=gen, dtype=F64)
    grads = [drift + 0.5 * torch.randn(SHAPE, generator=gen, dtype=F64) for _ in range(STEPS)]
    return p, grads


def _library_run(make: Callable[[Layer], object], p: torch.Tensor, grads) -> list[torch.Tensor]:
    """The parameter after each step of the library's optimizer."""
    model = _Param(p)
    opt = make(model)
    out = []
    for g in grads:
        model.dp = g.clone()
        opt.step()
        out.append(model.p.clone())
    return out


def _tensors(value: object, n: int) -> list[torch.Tensor] | None:
    if not isinstance(value, (tuple, list)) or len(value) != n:
        return None
    if not all(torch.is_tensor(t) and t.shape == SHAPE for t in value):
        return None
    return [t.detach().to(F64) for t in value]


def _match_run(steps: list[torch.Tensor], candidates) -> tuple[str, str] | None:
    """The (key, hint) of the first candidate trajectory the reader's steps follow exactly."""
    for trajectory, key, hint in candidates:
        if all(same(a, b) for a, b in zip(steps, trajectory, strict=False)):
            return key, hint
    return None


# --- 5.1 Momentum's update ---------------------------------------------------------------------

MOMENTUM = "Exercise 5.1 (momentum's update)"
M_LR, MU = 0.1, 0.9


def solution_momentum_step(p, g, v, lr, mu):
    """One heavy-ball step, PyTorch's convention. p, g, v: same shape -> (p_new, v_new).

    v ← μ·v + g, then p ← p − lr·v. With v starting at zeros, the first step gives v = g.
    """
    v_new = mu * v + g
    return p - lr * v_new, v_new


def _momentum_variant(p, grads, *, damp=False, nesterov=False, sign=1.0) -> list[torch.Tensor]:
    v, out = torch.zeros_like(p), []
    for g in grads:
        v = MU * v + ((1.0 - MU) * g if damp else g)
        p = p - sign * M_LR * (g + MU * v if nesterov else v)
        out.append(p)
    return out


def check_momentum_step(momentum_step: Callable) -> Result:
    """Check ``momentum_step(p, g, v, lr, mu)`` over 5 steps against ``Momentum(lr=0.1, 0.9)``."""
    p0, grads = _start(51)
    truth = _library_run(lambda m: Momentum(m, lr=M_LR, momentum=MU), p0, grads)
    p, v, steps = p0.clone(), torch.zeros_like(p0), []
    for t, g in enumerate(grads, start=1):
        out, failed = call(MOMENTUM, momentum_step, p.clone(), g.clone(), v.clone(), M_LR, MU)
        if failed:
            return failed
        pair = _tensors(out, 2)
        if pair is None:
            return wrong(
                MOMENTUM, f"Return the pair (p_new, v_new), each {SHAPE}, not {describe(out)}."
            )
        p, v = pair
        steps.append(p)
        if not same(p, truth[t - 1]):
            break
    else:
        return passed(
            MOMENTUM,
            f"All {STEPS} steps match `scratchnn.Momentum(lr={M_LR}, momentum={MU})`; the last "
            f"step was {(truth[-1] - truth[-2]).norm() / (M_LR * grads[-1].norm()):.3f}× as long "
            "as plain SGD's.",
        )
    known = (
        (
            _momentum_variant(p0, grads, damp=True),
            "dampening",
            "your velocity is an average, v ← μ·v + (1 − μ)·g, so the first step is only "
            "(1 − μ)·lr·g. "
            "PyTorch's momentum adds the whole gradient, v ← μ·v + g.",
        ),
        (
            _momentum_variant(p0, grads, nesterov=True),
            "nesterov",
            "you stepped along g + μ·v, Nesterov's form; heavy-ball momentum steps along v.",
        ),
        (_momentum_variant(p0, grads, sign=-1.0), "sign", "your steps go uphill: p ← p − lr·v."),
    )
    found = _match_run(steps, known)
    where = f"At step {len(steps)} of {STEPS}, p differs from `Momentum`'s"
    if found:
        key, hint = found
        return wrong(MOMENTUM, f"{where}: {hint}", key)
    sgd = p0.clone()
    for g in grads[: len(steps)]:
        sgd = sgd - M_LR * g
    if same(steps[-1], sgd):
        return wrong(
            MOMENTUM,
            f"{where}: p follows plain SGD. Keep the past in v: v ← μ·v + g, and return it.",
            "no_momentum",
        )
    return wrong(MOMENTUM, f"{where}. Update v first, v ← μ·v + g, then p ← p − lr·v.")


# --- 5.2 Adam's update -------------------------------------------------------------------------

ADAM = "Exercise 5.2 (Adam's update, with bias correction)"
A_LR, BETA1, BETA2, EPS = 0.01, 0.9, 0.999, 1e-8


def solution_adam_step(p, g, m, v, t, lr, beta1, beta2, eps):
    """Adam's step t = 1, 2, …  p, g, m, v: same shape -> (p_new, m_new, v_new).

    m and v are running means of g and g², started at zeros; dividing by 1 − βᵗ undoes the pull
    towards those zeros, so the first steps are about lr long.
    """
    m_new = beta1 * m + (1.0 - beta1) * g
    v_new = beta2 * v + (1.0 - beta2) * g * g
    m_hat = m_new / (1.0 - beta1**t)
    v_hat = v_new / (1.0 - beta2**t)
    return p - lr * m_hat / (v_hat.sqrt() + eps), m_new, v_new


def _adam_variant(p, grads, *, correct=True, t0=1, square=True, sign=1.0) -> list[torch.Tensor]:
    m, v, out = torch.zeros_like(p), torch.zeros_like(p), []
    for t, g in enumerate(grads, start=t0):
        m = BETA1 * m + (1.0 - BETA1) * g
        v = BETA2 * v + (1.0 - BETA2) * (g * g if square else g.abs())
        c1, c2 = (1.0 - BETA1**t, 1.0 - BETA2**t) if correct else (1.0, 1.0)
        p = p - sign * A_LR * (m / c1) / ((v / c2).sqrt() + EPS)
        out.append(p)
    return out


def check_adam_step(adam_step: Callable) -> Result:
    """Check ``adam_step(p, g, m, v, t, lr, beta1, beta2, eps)`` over 5 steps against ``Adam``."""
    p0, grads = _start(52)
    truth = _library_run(lambda m: Adam(m, lr=A_LR, betas=(BETA1, BETA2), eps=EPS), p0, grads)
    p, m, v, steps = p0.clone(), torch.zeros_like(p0), torch.zeros_like(p0), []
    for t, g in enumerate(grads, start=1):
        args = (p.clone(), g.clone(), m.clone(), v.clone(), t, A_LR, BETA1, BETA2, EPS)
        out, failed = call(ADAM, adam_step, *args)
        if failed:
            return failed
        triple = _tensors(out, 3)
        if triple is None:
            return wrong(
                ADAM, f"Return the triple (p_new, m_new, v_new), each {SHAPE}, not {describe(out)}."
            )
        p, m, v = triple
        steps.append(p)
        if not same(p, truth[t - 1]):
            break
    else:
        first = (truth[0] - p0).abs().max().item() / A_LR
        return passed(
            ADAM,
            f"All {STEPS} steps match `scratchnn.Adam(lr={A_LR})`; the first step moved every "
            f"entry by at most {first:.4f}·lr.",
        )
    where = f"At step {len(steps)} of {STEPS}, p differs from `Adam`'s"
    if not torch.isfinite(steps[-1]).all():
        return wrong(
            ADAM,
            f"{where}: it is not finite. Is t counted from 1? At t = 0, 1 − βᵗ = 0 and the "
            "correction divides by zero.",
            "t_from_zero",
        )
    uncorrected = _adam_variant(p0, grads, correct=False)
    known = (
        (
            uncorrected,
            "no_bias_correction",
            "you left out the bias correction. m and v start at 0, so early on they are too "
            f"small; without dividing by 1 − βᵗ the first step is {_first_ratio(uncorrected, p0)}"
            "× too long.",
        ),
        (
            _adam_variant(p0, grads, t0=2),
            "t_off_by_one",
            "your bias correction uses t + 1: the first step is t = 1, so m̂ = m/(1 − β₁).",
        ),
        (
            _adam_variant(p0, grads, square=False),
            "v_not_squared",
            "v must average the squared gradient, g², not |g|.",
        ),
        (_adam_variant(p0, grads, sign=-1.0), "sign", "your steps go uphill: p ← p − lr·m̂/…"),
    )
    found = _match_run(steps, known)
    if found:
        key, hint = found
        return wrong(ADAM, f"{where}: {hint}", key)
    return wrong(
        ADAM,
        f"{where}. Update m and v with the new g first, then divide them by 1 − β₁ᵗ and 1 − β₂ᵗ, "
        "and step by lr·m̂/(√v̂ + ε).",
    )


def _first_ratio(trajectory: list[torch.Tensor], p0: torch.Tensor) -> str:
    ratio = (trajectory[0] - p0).abs().max().item() / A_LR
    return f"{ratio:.3g}"


# --- 5.3 Adam's memory -------------------------------------------------------------------------

MEMORY = "Exercise 5.3 (the memory Adam adds)"
MEMORY_CASES = ([1, 64, 64, 1], [64, 128, 64, 10], [784, 256, 10])


def solution_adam_state_floats(dims):
    """Adam keeps m and v, each the shape of its parameter: 2 numbers per parameter of MLP(dims)."""
    return 2 * sum(d_in * d_out + d_out for d_in, d_out in itertools.pairwise(dims))


def _adam_state_numel(dims) -> int:
    """Measured: build MLP(dims), take one Adam step, count the entries of every state tensor."""
    gen = torch.Generator().manual_seed(53)
    model = MLP(dims, generator=gen, dtype=torch.float32)
    for layer in model.layers:
        for name in layer.param_names:
            setattr(layer, "d" + name, torch.zeros_like(getattr(layer, name)))
    opt = Adam(model)
    opt.step()
    return sum(t.numel() for state in opt.state for t in state.values())


def check_adam_state_floats(adam_state_floats: Callable) -> Result:
    """Check ``adam_state_floats(dims) -> int`` on three MLPs, against the state Adam holds."""
    for dims in MEMORY_CASES:
        got, failed = call(MEMORY, adam_state_floats, list(dims))
        if failed:
            return failed
        value = as_float(got)
        if value is None or value != int(value):
            return wrong(MEMORY, f"Return a whole number, not {describe(got)}.")
        value = int(value)
        params = parameter_count(dims)
        weights = sum(a * b for a, b in itertools.pairwise(dims))
        if value == 2 * params:
            continue
        known = {
            params: ("is one number per parameter, what momentum or RMSProp keeps.", "one_tensor"),
            3 * params: (
                "counts the parameters themselves too; the question asks what Adam adds.",
                "with_params",
            ),
            2 * weights: ("leaves out the biases: they have an m and a v too.", "biases"),
        }
        hint, key = known.get(
            value, ("is not what Adam stores. What does it keep per entry?", None)
        )
        return wrong(MEMORY, f"For dims = {dims}, your {value:,} {hint}", key)
    dims = MEMORY_CASES[0]
    measured = _adam_state_numel(dims)
    return passed(
        MEMORY,
        f"2 numbers per parameter. Measured: Adam's state for MLP({dims}) holds {measured:,} "
        f"numbers, {4 * measured / 1024:.1f} KiB in float32.",
    )


# --- 5.4 L2 or decoupled weight decay, one step ------------------------------------------------

DECAY = "Exercise 5.4 (L2 or decoupled decay, Adam's first step)"
D_LR, WD = 0.1, 0.5


def solution_first_step_with_decay(p, g, lr, wd):
    """Adam's first step (β = 0.9, 0.999, ε = 1e-8) with weight decay wd, two ways.

    At t = 1 the bias correction gives m̂ = g and v̂ = g², so the step is lr·g/(|g| + ε).
    L2 (``Adam(weight_decay=wd)``): g ← g + wd·p first, so the decay is divided by |g + wd·p|
    with the rest. Decoupled (``AdamW``): p ← p − lr·wd·p, then the step with the raw g.
    """
    eps = 1e-8
    g_l2 = g + wd * p
    p_l2 = p - lr * g_l2 / (g_l2.abs() + eps)
    shrunk = p - lr * wd * p
    return p_l2, shrunk - lr * g / (g.abs() + eps)


def check_first_step_with_decay(first_step_with_decay: Callable) -> Result:
    """Check ``first_step_with_decay(p, g, lr, wd) -> (p_l2, p_decoupled)`` at lr 0.1, wd 0.5."""
    gen = torch.Generator().manual_seed(54)
    p = torch.randn(SHAPE, generator=gen, dtype=F64)
    g = torch.randn(SHAPE, generator=gen, dtype=F64)
    g[0] *= 1e-3  # a row of tiny gradients: L2 and decoupled decay treat it very differently
    l2 = _library_run(lambda m: Adam(m, lr=D_LR, weight_decay=WD), p, [g])[0]
    decoupled = _library_run(lambda m: AdamW(m, lr=D_LR, weight_decay=WD), p, [g])[0]
    out, failed = call(DECAY, first_step_with_decay, p.clone(), g.clone(), D_LR, WD)
    if failed:
        return failed
    pair = _tensors(out, 2)
    if pair is None:
        return wrong(
            DECAY, f"Return the pair (p_l2, p_decoupled), each {SHAPE}, not {describe(out)}."
        )
    mine_l2, mine_dec = pair
    ok_l2, ok_dec = same(mine_l2, l2), same(mine_dec, decoupled)
    if ok_l2 and ok_dec:
        moved = (l2 - p).abs()
        return passed(
            DECAY,
            "Both match `Adam(weight_decay=0.5)` and `AdamW(weight_decay=0.5)`. With L2, Adam's "
            f"first step moved every entry by lr (from {moved.min().item():.6f} to "
            f"{moved.max().item():.6f}): lr·sign(g + wd·p), so wd only picks a direction. AdamW "
            f"shrank p by the factor 1 − lr·wd = {1 - D_LR * WD:.2f} whatever g is.",
        )
    if same(mine_l2, decoupled) and same(mine_dec, l2):
        return wrong(
            DECAY, "Your two answers are swapped: L2 is Adam's, decoupled is AdamW's.", "swap"
        )
    if same(mine_l2, mine_dec):
        return wrong(
            DECAY,
            "Your two answers are equal, as they would be for plain SGD. In Adam, L2 adds wd·p to "
            "g before the division by √v̂; AdamW shrinks p outside it.",
            "same",
        )
    plain = _library_run(lambda m: Adam(m, lr=D_LR), p, [g])[0]
    parts = []
    for name, mine, ok in (("p_l2", mine_l2, ok_l2), ("p_decoupled", mine_dec, ok_dec)):
        if ok:
            parts.append(f"{name} is right")
        elif same(mine, plain):
            parts.append(f"{name} is Adam's step without any decay")
        else:
            parts.append(f"{name} is not right")
    hint = "; ".join(parts) + ". At t = 1, m̂ = g and v̂ = g² (for the g Adam sees)."
    return wrong(DECAY, hint)


EXERCISES: tuple[tuple[Callable, Callable], ...] = (
    (check_momentum_step, solution_momentum_step),
    (check_adam_step, solution_adam_step),
    (check_adam_state_floats, solution_adam_state_floats),
    (check_first_step_with_decay, solution_first_step_with_decay),
)
