"""MLP: structure, full backward against autograd, training sanity, bad input."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from reference import TOL, gen, rel_err

from scratchnn import ACTIVATIONS, MLP, Linear, MSELoss

REF_ACT = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky": lambda x: torch.nn.functional.leaky_relu(x, 0.01),
    "elu": torch.nn.functional.elu,
    "gelu": lambda x: torch.nn.functional.gelu(x, approximate="tanh"),
    "swish": torch.nn.functional.silu,
}


def test_structure():
    net = MLP([2, 8, 8, 1], "tanh")
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert repr(net) == "MLP(dims=[2, 8, 8, 1], activation='tanh')"


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@given(
    dims=st.lists(st.integers(1, 17), min_size=2, max_size=5),
    B=st.integers(1, 64),
    seed=st.integers(0, 2**16),
)
def test_backward_matches_autograd(activation, dims, B, seed):
    g = gen(seed)
    net = MLP(dims, activation, generator=g, dtype=torch.float64)
    x = torch.randn(B, dims[0], generator=g, dtype=torch.float64)
    target = torch.randn(B, dims[-1], generator=g, dtype=torch.float64)

    # The same network in autograd, built from our weights.
    linears = [layer for layer in net.layers if isinstance(layer, Linear)]
    params = [(lin.W.clone().requires_grad_(), lin.b.clone().requires_grad_()) for lin in linears]
    x_ref = x.clone().requires_grad_()
    h = x_ref
    for i, (W, b) in enumerate(params):
        h = h @ W + b
        if i < len(params) - 1:
            h = REF_ACT[activation](h)
    ref_loss = ((h - target) ** 2).mean()
    ref_loss.backward()

    criterion = MSELoss()
    loss = criterion.forward(net.forward(x), target)
    dx = net.backward(criterion.backward())
    assert rel_err(loss, ref_loss.detach()) <= TOL
    assert rel_err(dx, x_ref.grad) <= TOL
    for lin, (W, b) in zip(linears, params, strict=True):
        assert rel_err(lin.dW, W.grad) <= TOL
        assert rel_err(lin.db, b.grad) <= TOL


def test_need_dx_false_gives_the_same_parameter_gradients():
    net = MLP([3, 5, 2], generator=gen(0), dtype=torch.float64)
    x, dout = torch.randn(4, 3, dtype=torch.float64), torch.randn(4, 2, dtype=torch.float64)
    net.forward(x)
    net.backward(dout)
    full = [g.clone() for g in net.gradients()]
    net.forward(x)
    assert net.backward(dout, need_dx=False) is None
    assert all(torch.equal(a, b) for a, b in zip(full, net.gradients(), strict=True))


def test_seeded_and_dtype():
    a = MLP([2, 4, 1], generator=gen(5))
    b = MLP([2, 4, 1], generator=gen(5))
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    net = MLP([2, 4, 1], dtype=torch.float64)
    assert net.forward(torch.zeros(3, 2, dtype=torch.float64)).dtype == torch.float64


def test_sgd_steps_reduce_the_loss():
    g = gen(0)
    net = MLP([1, 16, 1], "tanh", generator=g, dtype=torch.float64)
    x = torch.linspace(-1, 1, 64, dtype=torch.float64).unsqueeze(1)
    y = x**2
    criterion = MSELoss()
    losses = []
    for _ in range(500):
        losses.append(criterion.forward(net.forward(x), y).item())
        net.backward(criterion.backward(), need_dx=False)
        net.step(0.3)
    assert losses[-1] < 0.1 * losses[0]


@pytest.mark.parametrize(
    ("dims", "message"),
    [
        ([3], r"at least 2 widths \[input, …, output\], got \[3\]"),
        ([], "at least 2 widths"),
        ([3, 0, 1], r"positive int, got \[3, 0, 1\]"),
        ([3, -2, 1], "positive int"),
        ([3, 2.0, 1], "positive int"),
        ("32", "at least 2 widths"),
    ],
)
def test_bad_dims(dims, message):
    with pytest.raises(ValueError, match=message):
        MLP(dims)


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError, match="unknown activation 'rleu'; expected one of 'sigmoid'"):
        MLP([2, 3, 1], "rleu")


def test_failed_forward_leaves_every_cache():
    net = MLP([2, 3, 1], generator=gen(0))
    net.forward(torch.ones(4, 2))
    with pytest.raises(ValueError, match=r"expected shape \(B, 2\), got \(4, 3\)"):
        net.forward(torch.ones(4, 3))
    assert net.backward(torch.ones(4, 1)).shape == (4, 2)
