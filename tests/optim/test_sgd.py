"""SGD and Momentum against torch.optim.SGD, step for step, and what momentum does."""

import torch
from hypothesis import given
from hypothesis import strategies as st
from optim_reference import (
    STEPS,
    TRAJ_TOL,
    Params,
    Quadratic,
    decays,
    lrs,
    one_param,
    trajectory_error,
)
from reference import F64, rel_err

from scratchnn.optim import SGD, Adam, AdamW, Momentum


@given(lr=lrs, weight_decay=decays, seed=st.integers(0, 2**16))
def test_sgd_follows_torch(lr, weight_decay, seed):
    assert trajectory_error("SGD", {"lr": lr, "weight_decay": weight_decay}, seed) <= TRAJ_TOL


@given(
    lr=lrs,
    momentum=st.floats(0.01, 0.99),
    nesterov=st.booleans(),
    weight_decay=decays,
    seed=st.integers(0, 2**16),
)
def test_momentum_follows_torch(lr, momentum, nesterov, weight_decay, seed):
    hypers = {"lr": lr, "momentum": momentum, "nesterov": nesterov, "weight_decay": weight_decay}
    assert trajectory_error("Momentum", hypers, seed) <= TRAJ_TOL


def test_momentum_step_grows_to_lr_over_one_minus_mu_for_a_constant_gradient():
    model = one_param([0.0])
    opt = Momentum(model, lr=0.01, momentum=0.9)
    model.dW, model.db = torch.tensor([1.0], dtype=F64), torch.zeros(1, dtype=F64)
    before = model.W.clone()
    for _ in range(300):
        before.copy_(model.W)
        opt.step()
    step = (before - model.W).item()
    assert abs(step - 0.01 / (1 - 0.9)) < 1e-12  # 0.9^300 ≈ 2e-14 of the limit is left


def test_l2_equals_weight_decay_for_sgd_but_not_for_adam():
    """The reference article says weight decay is "just add λW to the gradient". For SGD that is
    exactly shrinking the weights, p ← (1 − lr·λ)p − lr·g; for Adam, L2 (Adam) and decoupled decay
    (AdamW) are different updates."""
    problem = Quadratic(5, 3, seed=11)
    lr, wd = 0.05, 0.1
    sgd_model = Params(problem.W0.clone(), problem.b0.clone())
    sgd = SGD(sgd_model, lr=lr, weight_decay=wd)
    W, b = problem.W0.clone(), problem.b0.clone()
    for _ in range(STEPS):
        sgd_model.dW, sgd_model.db = problem.grads(sgd_model.W, sgd_model.b)
        sgd.step()
        gW, gb = problem.grads(W, b)
        W, b = (1 - lr * wd) * W - lr * gW, (1 - lr * wd) * b - lr * gb  # shrink, then step
    assert rel_err(sgd_model.W, W) <= 1e-12 and rel_err(sgd_model.b, b) <= 1e-12

    finals = []
    for cls in (Adam, AdamW):
        model = Params(problem.W0.clone(), problem.b0.clone())
        opt = cls(model, lr=lr, weight_decay=wd)
        for _ in range(STEPS):
            model.dW, model.db = problem.grads(model.W, model.b)
            opt.step()
        finals.append(model.W)
    assert rel_err(finals[0], finals[1]) > 0.1  # measured 0.16: not a rounding difference
