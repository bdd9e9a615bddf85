"""Chapter 5's exercises on update rules: 5.1 momentum's step and 5.2 Adam's, with bias correction.

Each is run for 5 steps against the library's optimizer on the same seeded gradients; a trajectory
that follows a known variant (dampening, Nesterov, no bias correction, t off by one, …) is named.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from scratchnn.optim import Adam, Momentum

from ._check import Result, call, describe, passed, same, wrong
from .ch5_run import SHAPE, STEPS, _library_run, _match_run, _start, _tensors

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
