"""Every registered activation against torch's own function and autograd, in float64."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from reference import (
    TOL,
    TORCH_ACTIVATIONS,
    gen,
    rel_err,
)

from scratchnn import ACTIVATIONS, ELU, LeakyReLU, get_activation

# One table: our class, torch's reference function (tests/reference.py).
REFERENCE = {name: (cls, TORCH_ACTIVATIONS[name]) for name, cls in ACTIVATIONS.items()}
NAMES = list(REFERENCE)


def run_both(name, x, dout):
    cls, ref = REFERENCE[name]
    act = cls()
    y = act.forward(x)
    dx = act.backward(dout)
    x_ref = x.clone().requires_grad_()
    y_ref = ref(x_ref)
    y_ref.backward(dout)
    return y, dx, y_ref.detach(), x_ref.grad


def test_the_article_s_seven_are_registered_under_their_names():
    article = ["sigmoid", "tanh", "relu", "leaky", "elu", "gelu", "swish"]
    assert all(get_activation(name) is ACTIVATIONS[name] for name in article)


def test_every_registered_activation_has_a_torch_reference_and_a_label():
    assert set(TORCH_ACTIVATIONS) == set(ACTIVATIONS)
    labels = [cls.label for cls in ACTIVATIONS.values()]
    assert all(labels) and len(set(labels)) == len(labels)


@pytest.mark.parametrize("name", NAMES)
@given(B=st.integers(1, 64), N=st.integers(1, 17), seed=st.integers(0, 2**16))
def test_matches_torch_and_autograd(name, B, N, seed):
    g = gen(seed)
    x = 4 * torch.randn(B, N, generator=g, dtype=torch.float64)
    dout = torch.randn(B, N, generator=g, dtype=torch.float64)
    y, dx, y_ref, dx_ref = run_both(name, x, dout)
    assert y.shape == dx.shape == (B, N)
    assert rel_err(y, y_ref) <= TOL
    assert rel_err(dx, dx_ref) <= TOL


@pytest.mark.parametrize("name", NAMES)
@given(values=st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=30))
def test_matches_torch_on_bounded_floats(name, values):
    x = torch.tensor(values, dtype=torch.float64)
    y, dx, y_ref, dx_ref = run_both(name, x, torch.ones_like(x))
    assert rel_err(y, y_ref) <= TOL
    torch.testing.assert_close(dx, dx_ref, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_finite_at_plus_minus_1000(name, dtype):
    x = torch.tensor([-1000.0, -100.0, -1.0, 0.0, 1.0, 100.0, 1000.0], dtype=dtype)
    y, dx, y_ref, dx_ref = run_both(name, x, torch.ones_like(x))
    assert torch.isfinite(y).all() and torch.isfinite(dx).all()
    assert y.dtype == dx.dtype == dtype
    torch.testing.assert_close(y, y_ref)
    torch.testing.assert_close(dx, dx_ref)


@pytest.mark.parametrize("name", ["relu", "leaky", "elu"])
def test_infinities_match_torch(name):
    x = torch.tensor([-float("inf"), float("inf")], dtype=torch.float64)
    y, dx, y_ref, dx_ref = run_both(name, x, torch.ones_like(x))
    assert not torch.isnan(y).any() and not torch.isnan(dx).any()
    assert torch.equal(y, y_ref) and torch.equal(dx, dx_ref)


@pytest.mark.parametrize("name", NAMES)
def test_kink_at_zero_uses_torch_convention(name):
    x = torch.zeros(3, dtype=torch.float64)
    _, dx, _, dx_ref = run_both(name, x, torch.ones_like(x))
    assert torch.equal(dx, dx_ref), (dx, dx_ref)


@pytest.mark.parametrize("name", NAMES)
def test_errors_name_expected_and_actual(name):
    act = ACTIVATIONS[name]()
    with pytest.raises(RuntimeError, match=r"backward\(\) called before forward\(\)"):
        act.backward(torch.ones(2))
    with pytest.raises(TypeError, match="floating-point tensor, got dtype torch.int64"):
        act.forward(torch.ones(2, dtype=torch.int64))
    act.forward(torch.ones(2, 3))
    with pytest.raises(ValueError, match=r"expected shape \(2, 3\), got \(3, 2\)"):
        act.backward(torch.ones(3, 2))
    act.backward(torch.ones(2, 3))  # the failed call left the cache usable


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'no_such'.*'sigmoid'.*'swish'"):
        get_activation("no_such")


def test_hyperparameters():
    assert LeakyReLU(0.2).forward(torch.tensor([-1.0])).item() == pytest.approx(-0.2)
    assert ELU(2.0).forward(torch.tensor([-1e9])).item() == pytest.approx(-2.0)
    with pytest.raises(ValueError, match="alpha must be a number in"):
        LeakyReLU(-0.1)
    with pytest.raises(ValueError, match="alpha must be a positive number"):
        ELU(0)


INF = float("inf")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_every_activation_is_finite_at_plus_minus_inf_with_the_limits(dtype):
    # f(±inf) and f′(±inf) wherever the limit is finite: the module docstring's promise.
    x = torch.tensor([-INF, INF], dtype=dtype)
    limits = {  # name: (f(−inf), f(+inf), f′(−inf), f′(+inf))
        "sigmoid": (0.0, 1.0, 0.0, 0.0),
        "tanh": (-1.0, 1.0, 0.0, 0.0),
        "relu": (0.0, INF, 0.0, 1.0),
        "leaky": (-INF, INF, 0.01, 1.0),
        "elu": (-1.0, INF, 0.0, 1.0),
        "gelu": (0.0, INF, 0.0, 1.0),
        "swish": (0.0, INF, 0.0, 1.0),
    }
    for name, (f_lo, f_hi, d_lo, d_hi) in limits.items():
        act = ACTIVATIONS[name]()
        y, dx = act.forward(x), act.backward(torch.ones_like(x))
        assert torch.equal(y, torch.tensor([f_lo, f_hi], dtype=dtype)), (name, y)
        assert torch.equal(dx, torch.tensor([d_lo, d_hi], dtype=dtype)), (name, dx)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_gelu_derivative_stays_finite_where_x_squared_overflows(dtype):
    # x² = inf at |x| > 1.8e19 (float32), 1.3e154 (float64): (1 − tanh²u)·x·du/dx was 0·inf.
    big = 1e30 if dtype == torch.float32 else 1e200
    x = torch.tensor([-big, big], dtype=dtype)
    act = ACTIVATIONS["gelu"]()
    y = act.forward(x)
    assert torch.equal(act.backward(torch.ones_like(x)), torch.tensor([0.0, 1.0], dtype=dtype))
    assert torch.equal(y, torch.tensor([0.0, big], dtype=dtype))


@pytest.mark.parametrize("name", ["gelu", "swish"])
def test_the_infinity_fix_changes_nothing_for_finite_x(name):
    # Bit for bit what the plain formulas give, everywhere they were finite.
    x = torch.linspace(-60, 60, 2401, dtype=torch.float64)
    x = torch.cat([x, torch.tensor([-1e300, 1e300], dtype=torch.float64)])
    act = ACTIVATIONS[name]()
    y, dx = act.forward(x), act.backward(torch.ones_like(x))
    if name == "gelu":
        t = torch.tanh(act._C * (x + act._K * x * x * x))
        plain_y = 0.5 * x * (1.0 + t)
        du_dx = act._C * (1.0 + 3.0 * act._K * x * x)
        plain_dx = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du_dx
    else:
        s = ACTIVATIONS["sigmoid"]().forward(x)
        plain_y, plain_dx = x * s, s * (1.0 + x * (1.0 - s))
    finite = torch.isfinite(plain_dx)
    assert torch.equal(y, plain_y)
    assert torch.equal(dx[finite], plain_dx[finite])
