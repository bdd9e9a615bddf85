"""Shared by the tests of scratchnn.optim: the torch counterparts, a bare model, a quadratic."""

import torch
from hypothesis import strategies as st
from reference import F64, gen, rel_err

from scratchnn.layer import Layer
from scratchnn.optim import SGD, Adam, AdamW, Momentum, RMSProp

TRAJ_TOL = 1e-10  # the bar for whole trajectories, float64


STEPS = 100


PAIRS = {  # our class -> torch's; the hyper-parameter names are the same on both sides
    "SGD": (SGD, torch.optim.SGD),
    "Momentum": (Momentum, torch.optim.SGD),
    "RMSProp": (RMSProp, torch.optim.RMSprop),
    "Adam": (Adam, torch.optim.Adam),
    "AdamW": (AdamW, torch.optim.AdamW),
}


class Params(Layer):
    """A bare model: two parameters whose gradients a test sets by hand."""

    param_names = ("W", "b")

    def __init__(self, W: torch.Tensor, b: torch.Tensor) -> None:
        self.W, self.b = W, b
        self.dW: torch.Tensor | None = None
        self.db: torch.Tensor | None = None


class Quadratic:
    """L(W, b) = ½·tr((W − W*)ᵀ A (W − W*)) + ½·Σ c·(b − b*)², A SPD (M×M), c > 0, so the
    gradients are A·(W − W*) and c·(b − b*)."""

    def __init__(self, M: int, N: int, seed: int) -> None:
        g = gen(seed)
        Q = torch.randn(M, M, generator=g, dtype=F64)
        self.A = Q @ Q.T / M + 0.1 * torch.eye(M, dtype=F64)  # eigenvalues in about [0.1, 4]
        self.c = torch.rand(N, generator=g, dtype=F64) + 0.5
        self.W_star = torch.randn(M, N, generator=g, dtype=F64)
        self.b_star = torch.randn(N, generator=g, dtype=F64)
        self.W0 = torch.randn(M, N, generator=g, dtype=F64)
        self.b0 = torch.randn(N, generator=g, dtype=F64)

    def grads(self, W: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.A @ (W - self.W_star), self.c * (b - self.b_star)


def trajectory_error(name: str, hypers: dict, seed: int = 0, steps: int = STEPS) -> float:
    """Largest relative difference of the parameters over ``steps`` steps, ours against torch.

    Both optimizers are fed the same sequence of gradients: the quadratic's gradients along
    torch's trajectory. (Feeding each one gradients at its own parameters is not a fair test of
    the update rule: at some settings, e.g. Adam with β₁ = 0, the closed loop amplifies a one-ulp
    difference to 1e-3 within 100 steps from some starts and damps it from others, and which one
    happens depends on how the CPU rounds. ``test_closed_loop_follows_torch`` checks the closed
    loop only where it damps differences.)
    """
    ours_cls, torch_cls = PAIRS[name]
    problem = Quadratic(5, 3, seed)
    model = Params(problem.W0.clone(), problem.b0.clone())
    opt = ours_cls(model, **hypers)
    ref = [problem.W0.clone().requires_grad_(), problem.b0.clone().requires_grad_()]
    ref_opt = torch_cls(ref, **hypers)
    worst = 0.0
    for _ in range(steps):
        gW, gb = problem.grads(ref[0].detach(), ref[1].detach())
        ref[0].grad, ref[1].grad = gW, gb
        model.dW, model.db = gW.clone(), gb.clone()
        ref_opt.step()
        opt.step()
        worst = max(worst, rel_err(model.W, ref[0].detach()), rel_err(model.b, ref[1].detach()))
    assert not torch.equal(model.W, problem.W0)  # it moved
    return worst


lrs = st.floats(1e-3, 0.2)


adaptive_lrs = st.floats(1e-4, 0.1)


decays = st.one_of(st.just(0.0), st.floats(1e-4, 0.1))


units = st.floats(0.0, 0.99)


epsilons = st.sampled_from([1e-8, 1e-6, 1e-3])


def one_param(values) -> Params:
    return Params(torch.tensor(values, dtype=F64), torch.zeros(1, dtype=F64))


def fresh_model() -> Params:
    return Params(torch.ones(2, 3, dtype=F64), torch.zeros(3, dtype=F64))
