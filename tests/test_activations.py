"""The seven activations against torch's own functions and autograd, in float64."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from reference import TOL, gen, rel_err

from scratchnn import ACTIVATIONS, ELU, LeakyReLU, get_activation

# One table: our class, torch's reference function.
REFERENCE = {
    "sigmoid": (ACTIVATIONS["sigmoid"], torch.sigmoid),
    "tanh": (ACTIVATIONS["tanh"], torch.tanh),
    "relu": (ACTIVATIONS["relu"], F.relu),
    "leaky": (ACTIVATIONS["leaky"], lambda x: F.leaky_relu(x, 0.01)),
    "elu": (ACTIVATIONS["elu"], lambda x: F.elu(x, 1.0)),
    "gelu": (ACTIVATIONS["gelu"], lambda x: F.gelu(x, approximate="tanh")),
    "swish": (ACTIVATIONS["swish"], F.silu),
}
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


def test_registry_has_the_seven_names():
    assert list(ACTIVATIONS) == ["sigmoid", "tanh", "relu", "leaky", "elu", "gelu", "swish"]


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
    with pytest.raises(ValueError, match="unknown activation 'softplus'.*'sigmoid'.*'swish'"):
        get_activation("softplus")


def test_hyperparameters():
    assert LeakyReLU(0.2).forward(torch.tensor([-1.0])).item() == pytest.approx(-0.2)
    assert ELU(2.0).forward(torch.tensor([-1e9])).item() == pytest.approx(-2.0)
    with pytest.raises(ValueError, match="alpha must be a number in"):
        LeakyReLU(-0.1)
    with pytest.raises(ValueError, match="alpha must be a positive number"):
        ELU(0)
