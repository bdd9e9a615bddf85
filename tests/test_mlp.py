"""MLP: structure, full backward against autograd, training sanity, bad input."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from reference import (
    F64,
    TOL,
    TORCH_ACTIVATIONS,
    assert_same_state,
    gen,
    rel_err,
    state,
)

from scratchnn import ACTIVATIONS, MLP, BatchNorm1d, Dropout, Linear, MSELoss, ReLU, Sequential

REF_ACT = TORCH_ACTIVATIONS


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
    dx = net.backward(criterion.backward(), need_dx=True)
    assert rel_err(loss, ref_loss.detach()) <= TOL
    assert rel_err(dx, x_ref.grad) <= TOL
    for lin, (W, b) in zip(linears, params, strict=True):
        assert rel_err(lin.dW, W.grad) <= TOL
        assert rel_err(lin.db, b.grad) <= TOL


@pytest.mark.parametrize("need_dx", [False, None], ids=["need_dx=False", "default"])
def test_without_dx_the_parameter_gradients_are_the_same(need_dx):
    # A model's input is data: by default (as with need_dx=False) dL/dx is neither computed nor
    # returned, and nothing else changes.
    net = MLP([3, 5, 2], generator=gen(0), dtype=torch.float64)
    x, dout = torch.randn(4, 3, dtype=torch.float64), torch.randn(4, 2, dtype=torch.float64)
    net.forward(x)
    assert net.backward(dout, need_dx=True).shape == x.shape
    full = [g.clone() for g in net.gradients()]
    net.forward(x)
    kwargs = {} if need_dx is None else {"need_dx": need_dx}
    assert net.backward(dout, **kwargs) is None
    assert all(torch.equal(a, b) for a, b in zip(full, net.gradients(), strict=True))


def test_the_first_linear_skips_its_input_gradient(monkeypatch):
    net = MLP([3, 5, 2], generator=gen(0), dtype=torch.float64)
    first = net.layers[0]
    net.forward(torch.randn(4, 3, dtype=torch.float64))
    asked = []
    original = type(first).backward
    monkeypatch.setattr(
        type(first),
        "backward",
        lambda self, dout, **kw: asked.append(kw) or original(self, dout, **kw),
    )
    net.backward(torch.ones(4, 2, dtype=torch.float64))
    assert asked == [{"need_dx": True}, {"need_dx": False}]  # the last Linear, then the first


def test_a_sequential_inside_a_sequential_is_asked_for_its_input_gradient():
    inner = MLP([3, 4], generator=gen(1), dtype=torch.float64)  # one Linear
    outer = Sequential([Linear(2, 3, generator=gen(2), dtype=torch.float64), inner])
    flat = Sequential([outer.layers[0], inner.layers[0]])
    x, dout = torch.randn(5, 2, dtype=torch.float64), torch.randn(5, 4, dtype=torch.float64)
    outer.forward(x)
    dx = outer.backward(dout, need_dx=True)
    nested = [g.clone() for g in outer.gradients()]
    flat.forward(x)
    assert torch.equal(dx, flat.backward(dout, need_dx=True))
    assert all(torch.equal(a, b) for a, b in zip(nested, flat.gradients(), strict=True))


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
    assert net.backward(torch.ones(4, 1), need_dx=True).shape == (4, 2)


def _block() -> Sequential:
    """Linear, BatchNorm, ReLU, Dropout, Linear: every kind of state a layer can hold."""
    return Sequential(
        [
            Linear(3, 5, generator=gen(1), dtype=F64),
            BatchNorm1d(5, dtype=F64),
            ReLU(),
            Dropout(0.3, generator=gen(2)),
            Linear(5, 2, generator=gen(3), dtype=F64),
        ]
    )


def _used_once(make):
    def used_once():
        net = make()
        net.forward(torch.randn(6, 3, generator=gen(4), dtype=F64))
        net.backward(torch.randn(6, 2, generator=gen(5), dtype=F64))
        return net

    return used_once


def _backward(net):
    return net.backward(torch.ones(6, 2, dtype=F64), need_dx=True), net


def test_batchnorm_rejecting_one_row_leaves_the_layers_before_it_as_they_were():
    net = _used_once(_block)()
    before = state(net)
    with pytest.raises(ValueError, match="at least 2 rows"):
        net.forward(torch.randn(1, 3, dtype=F64))  # the first Linear accepts the row, BN does not
    assert_same_state(state(net), before)
    dx, _ = _backward(net)
    assert torch.equal(dx, _backward(_used_once(_block)())[0])  # the previous batch's gradient


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_asking_for_cuda_without_cuda_is_a_clear_error():
    with pytest.raises(ValueError, match="MLP: device 'cuda' cannot be used on this machine"):
        MLP([3, 4, 2], device="cuda")


def test_a_model_whose_layers_ran_one_by_one_can_run_backward():
    # The explorers and chapter 6 run the layers themselves (to read each activation), then call
    # model.backward: the layers hold the caches, and the last one says what dout must be.
    net = MLP([3, 4, 2], generator=gen(0), dtype=F64)
    x, dout = torch.randn(5, 3, dtype=F64), torch.randn(5, 2, dtype=F64)
    h = x
    for layer in net.layers:
        h = layer.forward(h)
    dx = net.backward(dout, need_dx=True)
    reference = MLP([3, 4, 2], generator=gen(0), dtype=F64)
    reference.forward(x)
    assert torch.equal(dx, reference.backward(dout, need_dx=True))
    with pytest.raises(ValueError, match=r"expected shape \(5, 2\), got \(5, 3\)"):
        net.backward(torch.ones(5, 3, dtype=F64))
