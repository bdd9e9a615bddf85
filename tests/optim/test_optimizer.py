"""What every optimizer shares: training an MLP like torch, hyper-parameter checks, in place.

The contract (a failed step changes nothing, bad gradients, dtypes) is tests/test_contract.py's."""

import warnings

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from optim_reference import PAIRS, STEPS, TRAJ_TOL, Params, Quadratic, fresh_model
from reference import F64, gen, rel_err

from scratchnn import MLP, Linear, MSELoss
from scratchnn.optim import SGD, Adam, AdamW, Momentum, RMSProp

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


def test_repr_names_the_hyper_parameters():
    opt = Momentum(fresh_model(), lr=0.1, nesterov=True)
    assert repr(opt) == "Momentum(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.0)"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "betas=(0.9, 0.999)" in repr(AdamW(fresh_model()))
