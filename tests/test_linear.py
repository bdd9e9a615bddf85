"""Linear: forward and hand-written backward against torch.autograd in float64."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from reference import TOL, gen, rel_err

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


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_bad_sizes(bad):
    with pytest.raises(ValueError, match="positive int"):
        Linear(bad, 2)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_asking_for_cuda_without_cuda_is_a_clear_error():
    with pytest.raises(ValueError, match=r"Linear: device 'cuda' cannot be used on this machine"):
        Linear(3, 4, device="cuda")
    with pytest.raises(ValueError, match="Linear: device must name a torch device, got 'gpu'"):
        Linear(3, 4, device="gpu")
