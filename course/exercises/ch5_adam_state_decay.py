"""Chapter 5's exercises on what Adam costs and how it decays: 5.3 the numbers Adam stores for an
MLP, against its state; 5.4 Adam's first step with L2 and with decoupled weight decay, against
``Adam`` and ``AdamW``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import torch

from scratchnn.cost import parameter_count
from scratchnn.mlp import MLP
from scratchnn.optim import Adam, AdamW

from ._check import F64, Result, as_float, call, describe, passed, same, wrong
from .ch5_run import SHAPE, _library_run, _tensors

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
