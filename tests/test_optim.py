"""Optimizers and schedules against torch.optim in float64, step for step."""

import math
import warnings

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from reference import F64, assert_all_or_nothing, gen, rel_err

from scratchnn import MLP, Linear, MSELoss
from scratchnn.layer import Layer
from scratchnn.optim import SGD, Adam, AdamW, CosineLR, Momentum, RMSProp, StepLR

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


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@given(
    lr=adaptive_lrs,
    beta1=units,
    beta2=st.floats(0.9, 0.9999),
    eps=epsilons,
    weight_decay=decays,
    seed=st.integers(0, 2**16),
)
def test_adam_and_adamw_follow_torch(name, lr, beta1, beta2, eps, weight_decay, seed):
    hypers = {"lr": lr, "betas": (beta1, beta2), "eps": eps, "weight_decay": weight_decay}
    assert trajectory_error(name, hypers, seed) <= TRAJ_TOL


MLP_HYPERS = [
    ("SGD", {"lr": 0.1, "weight_decay": 1e-3}),
    ("Momentum", {"lr": 0.05, "momentum": 0.9, "weight_decay": 1e-3}),
    ("Momentum", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3}),
    ("RMSProp", {"lr": 1e-3, "alpha": 0.99, "weight_decay": 1e-3}),
    ("Adam", {"lr": 1e-2, "weight_decay": 1e-3}),
    ("AdamW", {"lr": 1e-2, "weight_decay": 0.05}),
]


@pytest.mark.parametrize(("name", "hypers"), MLP_HYPERS)
def test_training_an_mlp_follows_torch(name, hypers):
    """The whole loop: our MLP's backward feeds our optimizer; autograd feeds torch.optim."""
    ours_cls, torch_cls = PAIRS[name]
    g = gen(3)
    net = MLP([4, 16, 16, 2], "tanh", generator=g, dtype=F64)
    x = torch.randn(32, 4, generator=g, dtype=F64)
    y = torch.randn(32, 2, generator=g, dtype=F64)
    loss_fn, opt = MSELoss(), ours_cls(net, **hypers)
    ref = [p.clone().requires_grad_() for p in net.parameters()]  # W1, b1, W2, b2, W3, b3
    ref_opt = torch_cls(ref, **hypers)
    first_loss = loss_fn.forward(net.forward(x), y).item()
    worst = 0.0
    for _ in range(STEPS):
        loss_fn.forward(net.forward(x), y)
        net.backward(loss_fn.backward(), need_dx=False)
        opt.step()

        ref_opt.zero_grad()
        h = x
        for i in range(0, len(ref), 2):
            h = h @ ref[i] + ref[i + 1]
            h = torch.tanh(h) if i < len(ref) - 2 else h
        ((h - y) ** 2).mean().backward()
        ref_opt.step()
        pairs = zip(net.parameters(), ref, strict=True)
        worst = max(worst, *(rel_err(p, r.detach()) for p, r in pairs))
    assert worst <= TRAJ_TOL, worst
    assert loss_fn.forward(net.forward(x), y).item() < 0.9 * first_loss  # it learned something


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_closed_loop_follows_torch(seed):
    """Each optimizer fed gradients at its own parameters (the way training runs), at the default
    betas, where the loop damps rounding differences: the two paths stay together. A test of
    this kind at β₁ = 0 would pass or fail with the CPU's rounding (see ``trajectory_error``)."""
    hypers = {"lr": 0.05, "betas": (0.9, 0.999)}
    problem = Quadratic(5, 3, seed=seed)
    ours = Params(problem.W0.clone(), problem.b0.clone())
    opt = Adam(ours, **hypers)
    ref = [problem.W0.clone().requires_grad_(), problem.b0.clone().requires_grad_()]
    ref_opt = torch.optim.Adam(ref, **hypers)
    for _ in range(STEPS):
        ours.dW, ours.db = problem.grads(ours.W, ours.b)
        ref[0].grad, ref[1].grad = problem.grads(ref[0].detach(), ref[1].detach())
        opt.step()
        ref_opt.step()
    assert rel_err(ours.W, ref[0].detach()) <= TRAJ_TOL
    assert rel_err(ours.b, ref[1].detach()) <= TRAJ_TOL
    assert rel_err(ours.W, problem.W_star) < rel_err(problem.W0, problem.W_star)  # it converges


# ---------------------------------------------------------------- behaviour the docstrings claim


def one_param(values) -> Params:
    return Params(torch.tensor(values, dtype=F64), torch.zeros(1, dtype=F64))


def test_adam_first_step_is_lr_long_thanks_to_bias_correction():
    g = torch.tensor([1e-3, -0.5, 2.0, -1e3], dtype=F64)
    model = one_param([0.0, 0.0, 0.0, 0.0])
    opt = Adam(model, lr=0.01)
    model.dW, model.db = g, torch.zeros(1, dtype=F64)
    opt.step()
    # Corrected: every entry moves by lr·|g|/(|g| + ε), i.e. lr to within ε/|g| ≤ 1e-5.
    torch.testing.assert_close(model.W, -0.01 * g.sign(), rtol=1e-5, atol=0)
    # Uncorrected, the same step would have been lr·(1 − β₁)/√(1 − β₂) ≈ 3.16·lr.
    assert abs(0.1 / math.sqrt(0.001) - 3.1623) < 1e-4


def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_alpha():
    g = torch.tensor([1e-2, -3.0, 50.0], dtype=F64)
    model = one_param([0.0, 0.0, 0.0])
    opt = RMSProp(model, lr=0.01, alpha=0.99)
    model.dW, model.db = g, torch.zeros(1, dtype=F64)
    opt.step()
    torch.testing.assert_close(model.W, -0.1 * g.sign(), rtol=1e-5, atol=0)  # 10·lr, not lr


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


# ---------------------------------------------------------------- schedules


def torch_lrs(make_scheduler, base_lr: float, epochs: int) -> list[float]:
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = make_scheduler(opt)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(epochs):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return lrs


def our_lrs(make_schedule, base_lr: float, epochs: int) -> list[float]:
    opt = SGD(one_param([0.0]), lr=base_lr)
    sched = make_schedule(opt)
    lrs = [opt.lr]
    for _ in range(epochs):
        sched.step()
        assert opt.lr == sched.lr
        lrs.append(opt.lr)
    return lrs


def max_rel(a: list[float], b: list[float]) -> float:
    """Largest |x − y|/|y| entry by entry (0 where both are exactly 0, as at η_min = 0)."""
    return max(0.0 if x == y else abs(x - y) / abs(y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("step_size", [1, 3, 10])
@pytest.mark.parametrize("gamma", [0.1, 0.5, 0.9])
def test_step_lr_matches_torch(step_size, gamma):
    epochs = 10 * step_size
    ours = our_lrs(lambda o: StepLR(o, step_size, gamma), 0.3, epochs)
    ref = torch_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size, gamma), 0.3, epochs)
    assert max_rel(ours, ref) <= 1e-13
    assert ours[step_size] == pytest.approx(0.3 * gamma, rel=1e-15)


@pytest.mark.parametrize("t_max", [1, 2, 3, 7, 50, 1000])
@pytest.mark.parametrize(("base_lr", "eta_min"), [(0.1, 0.0), (1.0, 1e-4), (0.1, 0.05)])
def test_cosine_lr_matches_torch_for_ten_periods(t_max, base_lr, eta_min):
    epochs = 10 * t_max
    ours = our_lrs(lambda o: CosineLR(o, t_max, eta_min), base_lr, epochs)
    ref = torch_lrs(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, t_max, eta_min), base_lr, epochs
    )
    assert max_rel(ours, ref) <= 1e-11
    assert ours[t_max] == pytest.approx(eta_min, abs=1e-15)  # the bottom
    assert ours[2 * t_max] == pytest.approx(base_lr, rel=1e-15)  # and back up: period 2·t_max


def test_torch_cosine_recursion_drifts_when_eta_min_exceeds_base_lr():
    """Documented in CosineLR: a rising schedule (η_min > base_lr) is where torch's recursive
    update accumulates rounding; our closed form stays on the formula."""
    t_max, base_lr, eta_min = 1000, 3e-4, 0.05
    ours = our_lrs(lambda o: CosineLR(o, t_max, eta_min), base_lr, 2 * t_max)
    ref = torch_lrs(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, t_max, eta_min), base_lr, 2 * t_max
    )
    drift = max_rel(ours, ref)
    assert 1e-10 < drift < 5e-9, drift  # measured 2.4e-9 at epoch 2000, torch 2.13
    assert ours[2 * t_max] == pytest.approx(base_lr, rel=1e-15)


def test_schedule_drives_the_optimizer_like_torch():
    """StepLR + Momentum, one step per 'epoch', against torch: lr changes reach the update."""
    problem = Quadratic(5, 3, seed=5)
    model = Params(problem.W0.clone(), problem.b0.clone())
    opt = Momentum(model, lr=0.1, momentum=0.5)
    sched = StepLR(opt, step_size=5, gamma=0.5)
    ref = [problem.W0.clone().requires_grad_(), problem.b0.clone().requires_grad_()]
    ref_opt = torch.optim.SGD(ref, lr=0.1, momentum=0.5)
    ref_sched = torch.optim.lr_scheduler.StepLR(ref_opt, step_size=5, gamma=0.5)
    for _ in range(40):
        model.dW, model.db = problem.grads(model.W, model.b)
        opt.step()
        sched.step()
        ref[0].grad, ref[1].grad = problem.grads(ref[0].detach(), ref[1].detach())
        ref_opt.step()
        ref_sched.step()
    assert opt.lr == pytest.approx(0.1 * 0.5**8, rel=1e-15)
    assert rel_err(model.W, ref[0].detach()) <= TRAJ_TOL


# ---------------------------------------------------------------- bad input


def fresh_model() -> Params:
    return Params(torch.ones(2, 3, dtype=F64), torch.zeros(3, dtype=F64))


BAD = [
    (SGD, {"lr": -0.1}, "lr", "≥ 0"),
    (SGD, {"lr": float("nan")}, "lr", "≥ 0"),
    (SGD, {"lr": float("inf")}, "lr", "finite"),
    (SGD, {"lr": "0.1"}, "lr", "≥ 0"),
    (SGD, {"lr": 0.1, "weight_decay": -1e-4}, "weight_decay", "≥ 0"),
    (Momentum, {"lr": 0.1, "momentum": 1.0}, "momentum", "[0, 1)"),
    (Momentum, {"lr": 0.1, "momentum": -0.1}, "momentum", "[0, 1)"),
    (Momentum, {"lr": 0.1, "momentum": 0.0, "nesterov": True}, "nesterov", "momentum > 0"),
    (Momentum, {"lr": 0.1, "nesterov": "yes"}, "nesterov", "True or False"),
    (Momentum, {"lr": 0.1, "weight_decay": -1.0}, "weight_decay", "≥ 0"),
    (RMSProp, {"lr": 0.1, "alpha": 1.0}, "alpha", "[0, 1)"),
    (RMSProp, {"lr": 0.1, "eps": 0.0}, "eps", "> 0"),
    (RMSProp, {"lr": -1.0}, "lr", "≥ 0"),
    (Adam, {"betas": (0.9, 1.0)}, "betas[1]", "[0, 1)"),
    (Adam, {"betas": (-0.1, 0.999)}, "betas[0]", "[0, 1)"),
    (Adam, {"betas": (0.9,)}, "betas", "pair"),
    (Adam, {"eps": -1e-8}, "eps", "> 0"),
    (Adam, {"weight_decay": -0.01}, "weight_decay", "≥ 0"),
    (AdamW, {"weight_decay": -0.01}, "weight_decay", "≥ 0"),
    (AdamW, {"lr": -1e-3}, "lr", "≥ 0"),
]


@pytest.mark.parametrize(("cls", "kwargs", "name", "expected"), BAD)
def test_bad_hyper_parameters_raise_a_clear_value_error(cls, kwargs, name, expected):
    with pytest.raises(ValueError) as info:
        cls(fresh_model(), **kwargs)
    message = str(info.value)
    assert message.startswith(cls.__name__ + ":") and name in message and expected in message
    bad_value = kwargs.get(name.split("[")[0])
    if name not in ("nesterov",) and not isinstance(bad_value, tuple):
        assert repr(bad_value) in message  # the actual value is named too


outside_unit = st.one_of(st.floats(max_value=-1e-300), st.floats(min_value=1.0))


@given(lr=st.floats(max_value=-1e-300), rate=outside_unit)
def test_any_out_of_range_value_is_rejected(lr, rate):
    model = fresh_model()
    for make in (
        lambda: SGD(model, lr=lr),
        lambda: Momentum(model, lr=0.1, momentum=rate),
        lambda: RMSProp(model, lr=0.1, alpha=rate),
        lambda: Adam(model, betas=(0.9, rate)),
        lambda: AdamW(model, betas=(rate, 0.999)),
    ):
        with pytest.raises(ValueError, match="must be"):
            make()
    assert torch.equal(model.W, torch.ones(2, 3, dtype=F64))


@pytest.mark.parametrize("cls", [SGD, Momentum, RMSProp, Adam, AdamW])
def test_unknown_hyper_parameter_is_a_type_error(cls):
    with pytest.raises(TypeError):
        cls(fresh_model(), lr=0.1, betaz=0.9)


def test_a_model_without_parameters_is_rejected():
    from scratchnn import ReLU

    with pytest.raises(ValueError, match="no parameters"):
        SGD(ReLU(), lr=0.1)
    with pytest.raises(TypeError, match="expected a Layer"):
        SGD([torch.zeros(3)], lr=0.1)


def test_bad_lr_assignment_changes_nothing():
    opt = Adam(fresh_model(), lr=0.01)
    with pytest.raises(ValueError, match="got -0.5"):
        opt.lr = -0.5
    assert opt.lr == 0.01


@pytest.mark.parametrize("cls", [SGD, Momentum, RMSProp, Adam, AdamW])
def test_failed_steps_change_nothing(cls):
    model = fresh_model()
    opt = cls(model, lr=0.1)
    with pytest.raises(RuntimeError, match="backward"):  # no gradients yet
        opt.step()
    model.dW = torch.ones(2, 3, dtype=F64)
    model.db = torch.ones(4, dtype=F64)  # wrong shape, on the *second* parameter
    with pytest.raises(ValueError, match=r"gradient 1 must match its parameter, expected shape"):
        opt.step()
    assert torch.equal(model.W, torch.ones(2, 3, dtype=F64))  # the first was not touched either
    assert opt.steps == 0 and all(not s for s in opt.state)
    model.db = torch.ones(3, dtype=F64)
    opt.step()
    assert opt.steps == 1 and not torch.equal(model.W, torch.ones(2, 3, dtype=F64))


def test_replacing_a_parameter_tensor_is_caught():
    model = fresh_model()
    opt = SGD(model, lr=0.1)
    model.W = model.W.clone()  # no longer the tensor the optimizer holds
    model.dW, model.db = torch.ones(2, 3, dtype=F64), torch.ones(3, dtype=F64)
    with pytest.raises(RuntimeError, match="replaced"):
        opt.step()


def test_optimizers_update_in_place_and_work_on_a_single_layer():
    lin = Linear(3, 2, generator=gen(0), dtype=F64)
    W = lin.W
    opt = Adam(lin, lr=0.1)
    lin.forward(torch.ones(4, 3, dtype=F64))
    lin.backward(torch.ones(4, 2, dtype=F64))
    opt.step()
    assert lin.W is W and opt.params[0] is W
    assert set(opt.state[0]) == {"m", "v"} and opt.state[0]["m"].shape == W.shape


BAD_SCHEDULES = [
    (lambda o: StepLR(o, 0), "step_size must be a positive int, got 0"),
    (lambda o: StepLR(o, 2.5), "step_size must be a positive int, got 2.5"),
    (lambda o: StepLR(o, 2, gamma=0.0), "gamma must be a number > 0, got 0.0"),
    (lambda o: CosineLR(o, 0), "t_max must be a positive int, got 0"),
    (lambda o: CosineLR(o, 10, eta_min=-1.0), "eta_min must be ≥ 0, got -1.0"),
]


@pytest.mark.parametrize(("make", "message"), BAD_SCHEDULES)
def test_bad_schedule_arguments(make, message):
    opt = SGD(fresh_model(), lr=0.1)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        make(opt)
    assert opt.lr == 0.1
    with pytest.raises(TypeError, match="expected a scratchnn Optimizer"):
        StepLR(torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1), 2)


def test_repr_names_the_hyper_parameters():
    opt = Momentum(fresh_model(), lr=0.1, nesterov=True)
    assert repr(opt) == "Momentum(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.0)"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "betas=(0.9, 0.999)" in repr(AdamW(fresh_model()))


# --- a step that fails changes nothing ---------------------------------------------------------

ALL_OPTIMIZERS = {
    "SGD": lambda m: SGD(m, lr=0.1),
    "SGD_wd": lambda m: SGD(m, lr=0.1, weight_decay=0.01),
    "Momentum": lambda m: Momentum(m, lr=0.1, weight_decay=0.01),
    "Nesterov": lambda m: Momentum(m, lr=0.1, nesterov=True),
    "RMSProp": lambda m: RMSProp(m, lr=0.1, weight_decay=0.01),
    "Adam": lambda m: Adam(m, lr=0.1, weight_decay=0.01),
    "AdamW": lambda m: AdamW(m, lr=0.1),
}


def _trained(name: str, steps: int):
    """An MLP and its optimizer after ``steps`` steps, with fresh gradients for the next one."""
    net = MLP([3, 4, 2], generator=gen(1), dtype=F64)
    opt = ALL_OPTIMIZERS[name](net)
    loss = MSELoss()
    for i in range(steps + 1):
        loss.forward(
            net.forward(torch.randn(5, 3, generator=gen(i), dtype=F64)),
            torch.zeros(5, 2, dtype=F64),
        )
        net.backward(loss.backward())
        if i < steps:
            opt.step()
    return opt


@pytest.mark.parametrize("steps", [0, 2], ids=["first_step", "later_step"])
@pytest.mark.parametrize("name", list(ALL_OPTIMIZERS))
def test_a_failure_anywhere_in_a_step_changes_nothing(name, steps):
    # The state compared covers the parameters, every state tensor, the step count and the model.
    def step_again(opt):
        opt.step()
        return opt

    assert_all_or_nothing(lambda: _trained(name, steps), lambda opt: opt.step(), after=step_again)


def test_layer_step_is_all_or_nothing():
    def trained():
        net = MLP([3, 4, 2], generator=gen(1), dtype=F64)
        net.forward(torch.randn(5, 3, generator=gen(2), dtype=F64))
        net.backward(torch.randn(5, 2, generator=gen(3), dtype=F64))
        return net

    def step_again(net):
        net.step(0.1)
        return net

    assert_all_or_nothing(trained, lambda net: net.step(0.1), after=step_again)


@pytest.mark.parametrize(
    "make", [lambda o: StepLR(o, 2, gamma=0.5), lambda o: CosineLR(o, 10)], ids=["step", "cosine"]
)
def test_a_schedule_step_that_fails_changes_nothing(make, monkeypatch):
    opt = SGD(fresh_model(), lr=0.1)
    sched = make(opt)
    sched.step()
    before = (sched.epoch, opt.lr, sched.lr)

    def broken(*args):
        raise ArithmeticError("injected")

    monkeypatch.setattr(type(sched), "lr_at", lambda self, epoch: broken())
    with pytest.raises(ArithmeticError):
        sched.step()
    monkeypatch.undo()
    assert (sched.epoch, opt.lr, sched.lr) == before
    sched.step()
    assert sched.epoch == 2 and opt.lr == sched.lr_at(2)


def test_a_schedule_whose_lr_overflows_or_goes_bad_changes_nothing():
    opt = SGD(fresh_model(), lr=0.1)
    sched = StepLR(opt, 1, gamma=1e300)
    sched.step()  # lr = 1e299
    with pytest.raises(OverflowError):  # 0.1·(1e300)² does not fit in a float
        sched.step()
    assert sched.epoch == 1 and opt.lr == pytest.approx(1e299)
    sched = CosineLR(opt, 4)
    opt_lr = opt.lr
    sched.base_lr = float("nan")  # the setter rejects the lr it would compute
    with pytest.raises(ValueError, match="lr must be a finite number"):
        sched.step()
    assert sched.epoch == 0 and opt.lr == opt_lr
