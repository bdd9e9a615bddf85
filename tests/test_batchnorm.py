"""BatchNorm1d: forward, running statistics and hand-written backward against torch, float64."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from reference import F64, TOL, gen, rel_err

from scratchnn import Linear, ReLU, Sequential, Tanh, gradient_errors
from scratchnn.batchnorm import BatchNorm1d
from scratchnn.dropout import Dropout
from scratchnn.optim import Adam


def pair(N: int, g: torch.Generator, momentum: float = 0.1, eps: float = 1e-5):
    """Our layer and torch's, with the same random γ and β (not the trivial 1 and 0)."""
    ours = BatchNorm1d(N, eps=eps, momentum=momentum, dtype=F64)
    ours.gamma = torch.randn(N, generator=g, dtype=F64)
    ours.beta = torch.randn(N, generator=g, dtype=F64)
    ref = torch.nn.BatchNorm1d(N, eps=eps, momentum=momentum, dtype=F64)
    with torch.no_grad():
        ref.weight.copy_(ours.gamma)
        ref.bias.copy_(ours.beta)
    return ours, ref


def random_batch(B: int, N: int, g: torch.Generator) -> torch.Tensor:
    """Features with different scales and offsets, as real pre-activations have."""
    scale = torch.rand(N, generator=g, dtype=F64) * 5 + 0.1
    shift = torch.randn(N, generator=g, dtype=F64) * 3
    return torch.randn(B, N, generator=g, dtype=F64) * scale + shift


def term_scale(bn: BatchNorm1d, dout: torch.Tensor) -> float:
    """max |γ·dout/σ|: the size of the terms that dL/dx = (γ/(B·σ))·(B·dout − Σdout − x̂·Σdout·x̂)
    adds up before they cancel."""
    return (dout.abs() * (bn.gamma * bn._inv_std).abs()).max().item()


def check_against_autograd(ours, ref, x, dout):
    x_ref = x.clone().requires_grad_()
    y_ref = ref(x_ref)
    y_ref.backward(dout)
    y = ours.forward(x)
    dx = ours.backward(dout)
    assert y.shape == dx.shape == x.shape
    assert rel_err(y, y_ref.detach()) <= TOL
    if ours.training and x.shape[0] == 2:
        # With two rows x̂ = ±1 up to ε, so the true dx is ε-small (about 1e-6 of the terms it
        # is made of) and neither torch nor we can get it to 1e-10 of itself: measure the error
        # against the terms instead (see test_batch_of_two_is_ill_conditioned_for_everyone).
        assert (dx - x_ref.grad).abs().max().item() <= TOL * term_scale(ours, dout)
    else:
        assert rel_err(dx, x_ref.grad) <= TOL
    assert rel_err(ours.dgamma, ref.weight.grad) <= TOL
    assert rel_err(ours.dbeta, ref.bias.grad) <= TOL


@given(B=st.integers(2, 64), N=st.integers(1, 17), seed=st.integers(0, 2**16))
def test_training_mode_matches_torch(B, N, seed):
    g = gen(seed)
    ours, ref = pair(N, g)
    x, dout = random_batch(B, N, g), torch.randn(B, N, generator=g, dtype=F64)
    check_against_autograd(ours, ref, x, dout)
    assert rel_err(ours.running_mean, ref.running_mean) <= TOL
    assert rel_err(ours.running_var, ref.running_var) <= TOL


@given(B=st.integers(1, 64), N=st.integers(1, 17), seed=st.integers(0, 2**16))
def test_eval_mode_matches_torch(B, N, seed):
    g = gen(seed)
    ours, ref = pair(N, g)
    ours.running_mean = torch.randn(N, generator=g, dtype=F64)
    ours.running_var = torch.rand(N, generator=g, dtype=F64) + 0.1
    ref.running_mean.copy_(ours.running_mean)
    ref.running_var.copy_(ours.running_var)
    ours.eval()
    ref.eval()
    x, dout = random_batch(B, N, g), torch.randn(B, N, generator=g, dtype=F64)
    check_against_autograd(ours, ref, x, dout)


@pytest.mark.parametrize("momentum", [0.1, 0.5, 1.0, 0.0])
def test_running_statistics_after_several_batches_match_torch(momentum):
    g = gen(4)
    ours, ref = pair(6, g, momentum=momentum)
    for B in (2, 5, 32, 3, 17, 64, 8):  # unequal batches: the B/(B − 1) factor changes
        x = random_batch(B, 6, g)
        ours.forward(x)
        ref(x)
    assert rel_err(ours.running_mean, ref.running_mean) <= TOL
    assert rel_err(ours.running_var, ref.running_var) <= TOL
    if momentum > 0:
        assert not torch.equal(ours.running_var, torch.ones(6, dtype=F64))
    # Evaluation now uses these statistics, exactly as torch does.
    ours.eval()
    ref.eval()
    x = random_batch(5, 6, g)
    assert rel_err(ours.forward(x), ref(x).detach()) <= TOL


def exact_dx(x: torch.Tensor, dout: torch.Tensor, gamma: torch.Tensor, eps: float):
    """dL/dx of training-mode batch norm in 50-digit arithmetic (mpmath), rounded to float64."""
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(50):
        B, N = x.shape
        out = torch.zeros(B, N, dtype=F64)
        for j in range(N):
            xs = [mpmath.mpf(v) for v in x[:, j].tolist()]
            ds = [mpmath.mpf(v) for v in dout[:, j].tolist()]
            mu = sum(xs) / B
            sigma = mpmath.sqrt(sum((v - mu) ** 2 for v in xs) / B + mpmath.mpf(eps))
            xhat = [(v - mu) / sigma for v in xs]
            sum_d, sum_dx = sum(ds), sum(d * h for d, h in zip(ds, xhat, strict=True))
            g = mpmath.mpf(gamma[j].item())
            for i in range(B):
                out[i, j] = float(g / (B * sigma) * (B * ds[i] - sum_d - xhat[i] * sum_dx))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_batch_of_two_is_ill_conditioned_for_everyone(seed):
    """B = 2: x̂ = ±√(v/(v + ε)) whatever x is, so dL/dx is of size ε/v: tiny differences of
    large terms. Against a 50-digit reference, our dx and torch's both have errors of 1e-16 of
    those terms, which can be 1e-7 of dx itself (worst of 300 random cases: 1.6e-7 for ours,
    1.3e-7 for torch's)."""
    g = gen(seed)
    ours, ref = pair(3, g)
    x, dout = random_batch(2, 3, g), torch.randn(2, 3, generator=g, dtype=F64)
    x_ref = x.clone().requires_grad_()
    ref(x_ref).backward(dout)
    ours.forward(x)
    dx = ours.backward(dout)
    exact = exact_dx(x, dout, ours.gamma, ours.eps)
    scale = term_scale(ours, dout)
    assert exact.abs().max().item() < 1e-3 * scale  # the cancellation
    assert (dx - exact).abs().max().item() <= 1e-14 * scale
    assert (x_ref.grad - exact).abs().max().item() <= 1e-14 * scale  # torch: the same accuracy


def test_b_3_and_more_is_well_conditioned():
    """The same 50-digit reference at B = 3..8: both are accurate relative to dx itself."""
    for B in range(3, 9):
        g = gen(B)
        ours, ref = pair(4, g)
        x, dout = random_batch(B, 4, g), torch.randn(B, 4, generator=g, dtype=F64)
        x_ref = x.clone().requires_grad_()
        ref(x_ref).backward(dout)
        ours.forward(x)
        exact = exact_dx(x, dout, ours.gamma, ours.eps)
        assert rel_err(ours.backward(dout), exact) <= 1e-13
        assert rel_err(x_ref.grad, exact) <= 1e-13


def test_running_variance_is_unbiased_but_normalisation_is_biased():
    x = torch.tensor([[0.0], [2.0]], dtype=F64)  # mean 1, biased variance 1, unbiased 2
    bn = BatchNorm1d(1, eps=0.0 + 1e-300, momentum=1.0, dtype=F64)
    y = bn.forward(x)
    torch.testing.assert_close(y, torch.tensor([[-1.0], [1.0]], dtype=F64))  # divided by √1
    torch.testing.assert_close(bn.running_var, torch.tensor([2.0], dtype=F64))  # stored: 2


def test_training_output_is_normalised_per_feature():
    g = gen(9)
    bn = BatchNorm1d(7, dtype=F64)
    y = bn.forward(random_batch(256, 7, g))
    assert y.mean(0).abs().max() < 1e-13
    var = y.var(0, unbiased=False)
    torch.testing.assert_close(var, torch.ones(7, dtype=F64), rtol=1e-4, atol=0)  # ε shrinks it


def test_constant_feature_matches_torch():
    """A feature with zero variance: x̂ = 0 and σ = √ε; nothing divides by zero."""
    g = gen(2)
    ours, ref = pair(3, g)
    x = random_batch(8, 3, g)
    x[:, 1] = 4.0
    check_against_autograd(ours, ref, x, torch.randn(8, 3, generator=g, dtype=F64))


def test_central_differences_agree_too():
    g = gen(5)
    bn = BatchNorm1d(4, dtype=F64)
    bn.gamma = torch.randn(4, generator=g, dtype=F64)
    bn.beta = torch.randn(4, generator=g, dtype=F64)
    errors = gradient_errors(bn, random_batch(6, 4, g))
    assert set(errors) == {"x", "gamma", "beta"}
    assert max(errors.values()) < 1e-8, errors


def test_a_network_with_batchnorm_and_dropout_matches_autograd():
    """Linear → BatchNorm1d → ReLU → Dropout → Linear, the whole backward against autograd
    (torch's functional batch_norm, and x·mask/(1 − p) with the mask our Dropout drew)."""
    g = gen(6)
    net = Sequential(
        [
            Linear(5, 8, generator=g, dtype=F64),
            BatchNorm1d(8, dtype=F64),
            ReLU(),
            Dropout(0.3, generator=gen(7)),
            Linear(8, 3, generator=g, dtype=F64),
        ]
    )
    assert [p.shape for p in net.parameters()] == [(5, 8), (8,), (8,), (8,), (8, 3), (3,)]
    x = random_batch(16, 5, g)
    dout = torch.randn(16, 3, generator=g, dtype=F64)
    net.forward(x)
    dx = net.backward(dout, need_dx=True)
    scaled_mask = net.layers[3]._scaled_mask  # the mask the Dropout layer drew

    ref = [p.clone().requires_grad_() for p in net.parameters()]
    W1, b1, gamma, beta, W2, b2 = ref
    x_ref = x.clone().requires_grad_()
    h = x_ref @ W1 + b1
    h = torch.nn.functional.batch_norm(h, None, None, gamma, beta, training=True, eps=1e-5)
    y = (torch.relu(h) * scaled_mask) @ W2 + b2
    y.backward(dout)
    assert rel_err(dx, x_ref.grad) <= TOL
    grads = net.gradients()
    # The bias of a Linear that feeds BatchNorm is wasted: BN subtracts the batch mean, so that
    # bias has no effect on the output and its gradient is 0 (here: rounding noise on both sides).
    assert grads[1].abs().max() < 1e-14 and b1.grad.abs().max() < 1e-14
    for i, (ours, theirs) in enumerate(zip(grads, ref, strict=True)):
        if i != 1:
            assert rel_err(ours, theirs.grad) <= TOL


def test_adam_trains_a_batchnorm_network():
    g = gen(8)
    layers = [Linear(3, 16, generator=g, dtype=F64), BatchNorm1d(16, dtype=F64), Tanh()]
    net = Sequential([*layers, Linear(16, 1, generator=g, dtype=F64)])
    x = random_batch(64, 3, g)
    y = (x[:, :1] * x[:, 1:2]).tanh()
    opt = Adam(net, lr=0.01)

    def loss() -> float:
        return ((net.forward(x) - y) ** 2).mean().item()

    first = loss()
    for _ in range(200):
        out = net.forward(x)
        net.backward(2 * (out - y) / out.numel())
        opt.step()
    assert loss() < 0.2 * first


# ---------------------------------------------------------------- bad input


def test_batch_of_one_in_training_mode_is_rejected_and_changes_nothing():
    bn = BatchNorm1d(3, dtype=F64)
    with pytest.raises(ValueError, match=r"at least 2 rows.*got B=1"):
        bn.forward(torch.ones(1, 3, dtype=F64))
    assert torch.equal(bn.running_mean, torch.zeros(3, dtype=F64))
    assert torch.equal(bn.running_var, torch.ones(3, dtype=F64))
    bn.eval()
    assert bn.forward(torch.ones(1, 3, dtype=F64)).shape == (1, 3)  # fine with running stats


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_features": 0}, "num_features must be a positive int, got 0"),
        ({"num_features": 3, "eps": 0.0}, "eps must be a number > 0, got 0.0"),
        ({"num_features": 3, "momentum": 1.5}, r"momentum must be in \[0, 1\], got 1.5"),
        ({"num_features": 3, "momentum": -0.1}, r"momentum must be in \[0, 1\], got -0.1"),
    ],
)
def test_bad_constructor_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BatchNorm1d(**kwargs)


def test_dtype_and_repr():
    bn = BatchNorm1d(4, dtype=torch.float32)
    y = bn.forward(torch.randn(8, 4))
    assert y.dtype == bn.backward(torch.ones(8, 4)).dtype == bn.dgamma.dtype == torch.float32
    assert repr(bn) == "BatchNorm1d(4, eps=1e-05, momentum=0.1, dtype=torch.float32)"
    assert bn.param_names == ("gamma", "beta") and bn.parameters() == [bn.gamma, bn.beta]


# --- a call that fails changes nothing ---------------------------------------------------------


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_asking_for_cuda_without_cuda_is_a_clear_error():
    with pytest.raises(ValueError, match="BatchNorm1d: device 'cuda' cannot be used"):
        BatchNorm1d(3, device="cuda")
