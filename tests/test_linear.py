"""Linear: forward and hand-written backward against torch.autograd in float64."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from reference import TOL, assert_all_or_nothing, assert_same_state, gen, rel_err, state

from scratchnn import Linear

sizes = st.integers(1, 17)


@given(B=st.integers(1, 64), M=sizes, N=sizes, seed=st.integers(0, 2**16))
def test_forward_and_backward_match_autograd(B, M, N, seed):
    g = gen(seed)
    lin = Linear(M, N, generator=g, dtype=torch.float64)
    lin.b = torch.randn(N, generator=g, dtype=torch.float64)  # non-zero bias, a real test
    x = torch.randn(B, M, generator=g, dtype=torch.float64)
    dout = torch.randn(B, N, generator=g, dtype=torch.float64)

    x_ref, W_ref, b_ref = (t.clone().requires_grad_() for t in (x, lin.W, lin.b))
    y_ref = torch.nn.functional.linear(x_ref, W_ref.T, b_ref)  # torch stores W as (N, M)
    y_ref.backward(dout)

    y = lin.forward(x)
    dx = lin.backward(dout)
    assert y.shape == (B, N) and dx.shape == (B, M)
    assert rel_err(y, y_ref.detach()) <= TOL
    assert rel_err(dx, x_ref.grad) <= TOL
    assert rel_err(lin.dW, W_ref.grad) <= TOL
    assert rel_err(lin.db, b_ref.grad) <= TOL


def test_need_dx_false_skips_only_the_input_gradient():
    g = gen(1)
    lin = Linear(5, 3, generator=g, dtype=torch.float64)
    x, dout = torch.randn(4, 5, dtype=torch.float64), torch.randn(4, 3, dtype=torch.float64)
    lin.forward(x)
    assert lin.backward(dout, need_dx=False) is None
    torch.testing.assert_close(lin.dW, x.T @ dout, rtol=0, atol=0)
    torch.testing.assert_close(lin.db, dout.sum(0), rtol=0, atol=0)


def test_same_seed_same_weights_and_xavier_scale():
    a = Linear(300, 200, generator=gen(7))
    b = Linear(300, 200, generator=gen(7))
    assert torch.equal(a.W, b.W) and not torch.equal(a.W, Linear(300, 200, generator=gen(8)).W)
    assert torch.equal(a.b, torch.zeros(200))
    expected_std = (2 / (300 + 200)) ** 0.5
    assert abs(a.W.std().item() / expected_std - 1) < 0.02  # 60k samples: std error ≈ 0.3%
    assert abs(a.W.mean().item()) < 4 * expected_std / 60_000**0.5


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_output_keeps_dtype(dtype):
    lin = Linear(3, 2, dtype=dtype)
    y = lin.forward(torch.randn(4, 3, dtype=dtype))
    dx = lin.backward(torch.ones(4, 2, dtype=dtype))
    assert y.dtype == dx.dtype == lin.dW.dtype == lin.db.dtype == dtype


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_matches_cpu():
    cpu = Linear(6, 4, generator=gen(3), dtype=torch.float64)
    gpu = Linear(6, 4, generator=gen(3), dtype=torch.float64, device="cuda")
    assert torch.equal(cpu.W, gpu.W.cpu())
    x = torch.randn(5, 6, dtype=torch.float64)
    y = gpu.forward(x.cuda())
    dx = gpu.backward(torch.ones_like(y))
    assert y.device.type == dx.device.type == gpu.dW.device.type == "cuda"
    assert rel_err(y.cpu(), cpu.forward(x)) <= TOL


@pytest.mark.parametrize(
    ("x", "error", "message"),
    [
        (torch.zeros(4, 5), ValueError, r"expected shape \(B, 3\), got \(4, 5\)"),
        (torch.zeros(3), ValueError, r"expected shape \(B, 3\), got \(3,\)"),
        (torch.zeros(4, 3, dtype=torch.int64), TypeError, "floating-point.*torch.int64"),
        (torch.zeros(4, 3, dtype=torch.float64), TypeError, "float32.*got torch.float64"),
        ([[0.0, 0.0, 0.0]], TypeError, "torch.Tensor, got list"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(x, error, message):
    lin = Linear(3, 2)
    good = torch.ones(2, 3)
    lin.forward(good)
    with pytest.raises(error, match=message):
        lin.forward(x)
    assert lin._x is good  # the failed call did not replace the cache


def test_backward_errors_change_nothing():
    lin = Linear(3, 2)
    with pytest.raises(RuntimeError, match=r"backward\(\) called before forward\(\)"):
        lin.backward(torch.ones(4, 2))
    lin.forward(torch.ones(4, 3))
    lin.backward(torch.ones(4, 2))
    dW = lin.dW
    with pytest.raises(ValueError, match=r"expected shape \(4, 2\), got \(4, 3\)"):
        lin.backward(torch.ones(4, 3))
    with pytest.raises(TypeError, match="float32, got torch.float64"):
        lin.backward(torch.ones(4, 2, dtype=torch.float64))
    assert lin.dW is dW


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_bad_sizes(bad):
    with pytest.raises(ValueError, match="positive int"):
        Linear(bad, 2)


# --- a call that fails changes nothing ---------------------------------------------------------

F64 = torch.float64


def _used_once() -> Linear:
    """A layer that has seen one batch (forward and backward), always the same."""
    lin = Linear(3, 4, generator=gen(1), dtype=F64)
    lin.b = torch.randn(4, generator=gen(2), dtype=F64)
    lin.forward(torch.randn(5, 3, generator=gen(3), dtype=F64))
    lin.backward(torch.randn(5, 4, generator=gen(4), dtype=F64))
    return lin


def _backward(lin: Linear):
    """The backward of the previous batch, and everything it leaves in the layer."""
    return lin.backward(torch.ones(5, 4, dtype=F64)), lin


def test_a_failure_anywhere_in_forward_changes_nothing():
    x = torch.randn(7, 3, generator=gen(5), dtype=F64)  # another batch size than the cached one
    calls = assert_all_or_nothing(_used_once, lambda lin: lin.forward(x), after=_backward)
    assert calls >= 2  # at least the checks and the matrix multiply


def test_a_failure_anywhere_in_backward_changes_nothing():
    dout = torch.randn(5, 4, generator=gen(6), dtype=F64)
    assert_all_or_nothing(_used_once, lambda lin: lin.backward(dout), after=_backward)
    assert_all_or_nothing(_used_once, lambda lin: lin.backward(dout, need_dx=False))


def test_a_multiply_that_raises_keeps_the_previous_batch(monkeypatch):
    # The bug this guards against: the input was cached before the multiply, so after a failed
    # forward the next backward paired the new input with the old batch's dout.
    lin = _used_once()
    expected = _backward(_used_once())[0]
    dW = lin.dW

    def broken_addmm(*args, **kwargs):
        raise RuntimeError("the multiply failed")

    monkeypatch.setattr(torch, "addmm", broken_addmm)
    with pytest.raises(RuntimeError, match="the multiply failed"):
        lin.forward(torch.randn(7, 3, dtype=F64))
    assert lin.dW is dW
    assert torch.equal(lin.backward(torch.ones(5, 4, dtype=F64)), expected)


def test_input_on_another_device_is_a_clear_error():
    # The meta device stands in for a GPU: a tensor there cannot meet the CPU weights either.
    lin = _used_once()
    before = state(lin)
    with pytest.raises(
        ValueError, match=r"parameters' device,: expected a tensor on cpu, got one on meta"
    ):
        lin.forward(torch.empty(5, 3, dtype=F64, device="meta"))
    with pytest.raises(ValueError, match=r"device forward ran on,: expected a tensor on cpu"):
        lin.backward(torch.empty(5, 4, dtype=F64, device="meta"))
    assert_same_state(state(lin), before)


def test_an_empty_batch_is_a_clear_error():
    lin = _used_once()
    before = state(lin)
    with pytest.raises(ValueError, match=r"at least one row, got B = 0 \(shape \(0, 3\)\)"):
        lin.forward(torch.zeros(0, 3, dtype=F64))
    assert_same_state(state(lin), before)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_asking_for_cuda_without_cuda_is_a_clear_error():
    with pytest.raises(ValueError, match=r"Linear: device 'cuda' cannot be used on this machine"):
        Linear(3, 4, device="cuda")
    with pytest.raises(ValueError, match="Linear: device must name a torch device, got 'gpu'"):
        Linear(3, 4, device="gpu")
