"""The contract every layer, loss and optimizer keeps, tested on each entry of tests/registry.py.

- A call that fails, anywhere (a check, or any torch call inside it), changes nothing: the whole
  state is bit for bit as before, and the next call gives what it would have given. An optimizer
  step runs every check before it writes any tensor (scratchnn/optim/optimizer.py says why).
- A batch of B = 0 rows is a clear error; so is an input or dout on another device, of another
  dtype or shape, or not a tensor; backward before forward is a clear error.
- Float32 in, float32 out (and every gradient float32); float64 likewise.

Special cases (values against torch, limits at ±inf, hyper-parameters) live in each module's own
test file.
"""

import pytest
import torch
from reference import (
    F32,
    F64,
    FailAt,
    InjectedError,
    assert_all_or_nothing,
    assert_same_state,
    gen,
    state,
)
from registry import LAYERS, LOSSES, OPTIMIZERS, WIDTH

from scratchnn import MLP, MSELoss, _validate

B = 6


def _x(dtype=F64, rows=B, seed=4):
    return torch.randn(rows, WIDTH, generator=gen(seed), dtype=dtype)


def _used_once(name, dtype=F64):
    """A layer after one forward and backward: it has caches and gradients to lose."""
    layer = LAYERS[name](dtype)
    y = layer.forward(_x(dtype))
    layer.backward(torch.randn(y.shape, generator=gen(5), dtype=dtype))
    return layer


def _backward_again(layer):
    """What the next backward returns: it must pair the caches of one batch."""
    y_shape = layer._output[0]
    dx = layer.backward(torch.ones(y_shape, dtype=F64), need_dx=True)
    return dx, layer


# --- layers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(LAYERS))
def test_a_failure_anywhere_in_forward_changes_nothing(name):
    x = _x(rows=9, seed=7)
    calls = assert_all_or_nothing(
        lambda: _used_once(name), lambda layer: layer.forward(x), after=_backward_again
    )
    assert calls >= 1


@pytest.mark.parametrize("name", list(LAYERS))
def test_a_failure_anywhere_in_backward_changes_nothing(name):
    layer = _used_once(name)
    dout = torch.randn(layer._output[0], generator=gen(8), dtype=F64)
    assert_all_or_nothing(
        lambda: _used_once(name), lambda layer: layer.backward(dout), after=_backward_again
    )


@pytest.mark.parametrize("name", list(LAYERS))
@pytest.mark.parametrize("dtype", [F32, F64])
def test_the_dtype_is_kept(name, dtype):
    layer = LAYERS[name](dtype)
    y = layer.forward(_x(dtype))
    dx = layer.backward(torch.ones_like(y), need_dx=True)
    assert y.dtype == dtype and dx.dtype == dtype and dx.shape == (B, WIDTH)
    assert all(g.dtype == dtype for g in layer.gradients())


def _rejected(layer, call, error, match):
    """``call(layer)`` raises ``error`` with ``match`` and leaves the layer as it was."""
    before = state(layer)
    with pytest.raises(error, match=match):
        call(layer)
    assert_same_state(state(layer), before)


@pytest.mark.parametrize("name", list(LAYERS))
def test_bad_input_is_a_clear_error_and_changes_nothing(name):
    layer = _used_once(name)
    _rejected(layer, lambda m: m.forward(_x(rows=0)), ValueError, r"at least one row, got B = 0")
    _rejected(layer, lambda m: m.forward([[1.0] * WIDTH]), TypeError, "expected a torch.Tensor")
    ints = torch.ones(B, WIDTH, dtype=torch.int64)
    _rejected(layer, lambda m: m.forward(ints), TypeError, "expected a floating-point tensor")
    if layer.parameters():  # a layer with parameters takes its own width, dtype and device
        _rejected(layer, lambda m: m.forward(_x()[:, :2]), ValueError, r"expected shape \(B, 3\)")
        _rejected(layer, lambda m: m.forward(_x(F32)), TypeError, "expected dtype torch.float64")
        meta = torch.zeros(B, WIDTH, dtype=F64, device="meta")
        _rejected(layer, lambda m: m.forward(meta), ValueError, "expected a tensor on cpu")
    assert torch.equal(_backward_again(layer)[0], _backward_again(_used_once(name))[0])


@pytest.mark.parametrize("name", list(LAYERS))
def test_bad_dout_is_a_clear_error_and_changes_nothing(name):
    layer = _used_once(name)
    shape = layer._output[0]
    wrong_shape = torch.ones(shape[0] + 1, *shape[1:], dtype=F64)
    _rejected(layer, lambda m: m.backward(wrong_shape), ValueError, "the shape forward returned")
    wrong_dtype = torch.ones(shape, dtype=F32)
    _rejected(layer, lambda m: m.backward(wrong_dtype), TypeError, "expected dtype torch.float64")
    meta = torch.ones(shape, dtype=F64, device="meta")
    _rejected(layer, lambda m: m.backward(meta), ValueError, "the device forward ran on")
    _rejected(layer, lambda m: m.backward(None), TypeError, "expected a torch.Tensor")


@pytest.mark.parametrize("name", list(LAYERS))
def test_backward_before_forward_is_a_clear_error(name):
    layer = LAYERS[name](F64)
    with pytest.raises(RuntimeError, match=r"backward\(\) called before forward\(\)"):
        layer.backward(torch.ones(B, WIDTH, dtype=F64))


# --- losses ------------------------------------------------------------------------------------


def _loss_used_once(name):
    make, batch = LOSSES[name]
    loss = make()
    loss.forward(*batch(B, F64, 0))
    return loss


@pytest.mark.parametrize("name", list(LOSSES))
def test_a_failure_anywhere_in_a_loss_forward_keeps_the_previous_batch(name):
    new_batch = LOSSES[name][1](B + 2, F64, 1)

    def backward(loss):
        return loss.backward(), loss

    assert_all_or_nothing(
        lambda: _loss_used_once(name), lambda loss: loss.forward(*new_batch), after=backward
    )


@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("dtype", [F32, F64])
def test_a_loss_keeps_the_dtype(name, dtype):
    make, batch = LOSSES[name]
    loss = make()
    pred, target = batch(B, dtype, 0)
    value = loss.forward(pred, target)
    grad = loss.backward()
    assert value.dtype == dtype and value.shape == () and grad.dtype == dtype
    assert grad.shape == pred.shape


@pytest.mark.parametrize("name", list(LOSSES))
def test_a_loss_rejects_bad_input_and_changes_nothing(name):
    loss = _loss_used_once(name)
    pred, target = LOSSES[name][1](B, F64, 2)
    _rejected(
        loss, lambda m: m.forward(pred[:0], target[:0]), ValueError, "at least one row, got B = 0"
    )
    _rejected(loss, lambda m: m.forward(pred.tolist(), target), TypeError, "expected a torch")
    _rejected(loss, lambda m: m.forward(pred, target.to("meta")), ValueError, "device")


@pytest.mark.parametrize("name", list(LOSSES))
def test_a_loss_backward_before_forward_is_a_clear_error(name):
    with pytest.raises(RuntimeError, match=r"backward\(\) called before forward\(\)"):
        LOSSES[name][0]().backward()


# --- optimizers --------------------------------------------------------------------------------


def _trained(name, steps, dtype=F64):
    """An MLP and its optimizer after ``steps`` steps, with fresh gradients for the next one."""
    net = MLP([3, 4, 2], generator=gen(1), dtype=dtype)
    opt = OPTIMIZERS[name](net)
    loss = MSELoss()
    for i in range(steps + 1):
        x = torch.randn(5, 3, generator=gen(i), dtype=dtype)
        loss.forward(net.forward(x), torch.zeros(5, 2, dtype=dtype))
        net.backward(loss.backward())
        if i < steps:
            opt.step()
    return opt


def _fails_only_in_its_checks(make, call, checks):
    """Every torch call ``checks(obj)`` makes (the checks a step runs first), failed in turn inside
    ``call(obj)``: each failure leaves the whole state as it was, so no tensor was written before
    the checks had all passed."""
    probe = make()
    with FailAt(None) as counter:
        checks(probe)
    assert counter.calls > 0
    for n in range(counter.calls):
        obj = make()
        before = state(obj)
        with pytest.raises(InjectedError), FailAt(n):
            call(obj)
        assert_same_state(state(obj), before, f"after a failure at call {n}")


@pytest.mark.parametrize("steps", [0, 2], ids=["first_step", "later_step"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_step_checks_everything_before_it_writes(name, steps):
    # The state compared covers the parameters, every state tensor, the step count and the model.
    _fails_only_in_its_checks(
        lambda: _trained(name, steps), lambda opt: opt.step(), lambda opt: opt._checked_gradients()
    )


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_step_with_a_bad_gradient_is_a_clear_error_and_changes_nothing(name):
    opt = _trained(name, 1)
    before = state((opt.params, opt.state, opt.steps))
    last = opt.model.layers[-1]  # the last parameter's gradient: every other one is fine
    for bad, match in [
        (torch.zeros(last.b.shape, dtype=F64, device="meta"), "on cpu, got .* on meta"),
        (torch.zeros(1, dtype=F64), r"expected shape \(2,\), .* got shape \(1,\)"),
        (torch.zeros(last.b.shape, dtype=F32), "torch.float64 on cpu, got .* torch.float32"),
    ]:
        last.db = bad
        with pytest.raises(ValueError, match="gradient 3 must match its parameter, .*" + match):
            opt.step()
        assert_same_state(state((opt.params, opt.state, opt.steps)), before)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_step_before_backward_is_a_clear_error(name):
    net = MLP([3, 4, 2], generator=gen(1), dtype=F64)
    opt = OPTIMIZERS[name](net)
    _rejected(opt, lambda o: o.step(), RuntimeError, r"call backward\(\) before")


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [F32, F64])
def test_a_step_keeps_the_dtype(name, dtype):
    opt = _trained(name, 2, dtype)
    opt.step()
    assert all(p.dtype == dtype for p in opt.model.parameters())
    assert all(t.dtype == dtype for state in opt.state for t in state.values())


def test_layer_step_is_sgd_s_rule_with_its_checks():
    def trained():
        net = MLP([3, 4, 2], generator=gen(1), dtype=F64)
        net.forward(torch.randn(5, 3, generator=gen(2), dtype=F64))
        net.backward(torch.randn(5, 2, generator=gen(3), dtype=F64))
        return net

    _fails_only_in_its_checks(
        trained,
        lambda net: net.step(0.1),
        lambda net: _validate.gradients(net.parameters(), net.gradients(), ""),
    )
    by_layer, by_sgd = trained(), trained()
    by_layer.step(0.1)
    OPTIMIZERS["SGD"](by_sgd).step()
    pairs = zip(by_layer.parameters(), by_sgd.parameters(), strict=True)
    assert all(torch.equal(a, b) for a, b in pairs)
