"""RMSProp against torch.optim.RMSprop, step for step."""

import torch
from hypothesis import given
from hypothesis import strategies as st
from optim_reference import TRAJ_TOL, adaptive_lrs, decays, epsilons, one_param, trajectory_error
from reference import F64

from scratchnn.optim import RMSProp


@given(
    lr=adaptive_lrs,
    alpha=st.floats(0.5, 0.999),
    eps=epsilons,
    weight_decay=decays,
    seed=st.integers(0, 2**16),
)
def test_rmsprop_follows_torch(lr, alpha, eps, weight_decay, seed):
    hypers = {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay}
    assert trajectory_error("RMSProp", hypers, seed) <= TRAJ_TOL


def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_alpha():
    g = torch.tensor([1e-2, -3.0, 50.0], dtype=F64)
    model = one_param([0.0, 0.0, 0.0])
    opt = RMSProp(model, lr=0.01, alpha=0.99)
    model.dW, model.db = g, torch.zeros(1, dtype=F64)
    opt.step()
    torch.testing.assert_close(model.W, -0.1 * g.sign(), rtol=1e-5, atol=0)  # 10·lr, not lr
