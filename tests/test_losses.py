"""Every loss against torch's functional form and autograd in float64, for every shape."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from reference import TOL, gen, rel_err

from scratchnn import (
    BCELoss,
    BCEWithLogitsLoss,
    HuberLoss,
    MAELoss,
    MSELoss,
    SoftmaxCELoss,
)

# loss factory, torch reference, how to draw (pred, target) from a generator and a shape
ELEMENTWISE = {
    "mse": (MSELoss, F.mse_loss, "real"),
    "mae": (MAELoss, F.l1_loss, "real"),
    "huber": (HuberLoss, lambda p, t: F.huber_loss(p, t, delta=1.0), "real"),
    "huber_d0.3": (lambda: HuberLoss(0.3), lambda p, t: F.huber_loss(p, t, delta=0.3), "real"),
    "bce": (BCELoss, F.binary_cross_entropy, "prob"),
    "bce_logits": (BCEWithLogitsLoss, F.binary_cross_entropy_with_logits, "logit"),
}


def draw(kind, shape, g):
    if kind == "real":
        return (
            3 * torch.randn(shape, generator=g, dtype=torch.float64),
            3 * torch.randn(shape, generator=g, dtype=torch.float64),
        )
    target = torch.rand(shape, generator=g, dtype=torch.float64)
    if kind == "prob":
        return torch.rand(shape, generator=g, dtype=torch.float64) * 0.98 + 0.01, target
    return 5 * torch.randn(shape, generator=g, dtype=torch.float64), target


def check_against_torch(loss, ref, pred, target):
    value = loss.forward(pred, target)
    grad = loss.backward()
    p = pred.clone().requires_grad_()
    ref_value = ref(p, target)
    ref_value.backward()
    assert value.ndim == 0 and grad.shape == pred.shape and grad.dtype == pred.dtype
    assert rel_err(value, ref_value.detach()) <= TOL
    assert rel_err(grad, p.grad) <= TOL


shapes = st.one_of(
    st.tuples(st.integers(1, 64)),  # (B,)
    st.tuples(st.integers(1, 64), st.just(1)),  # (B, 1)
    st.tuples(st.integers(1, 64), st.integers(2, 17)),  # (B, N), N > 1
)


@pytest.mark.parametrize("name", list(ELEMENTWISE))
@given(shape=shapes, seed=st.integers(0, 2**16))
def test_elementwise_losses_match_autograd_for_every_shape(name, shape, seed):
    make, ref, kind = ELEMENTWISE[name]
    pred, target = draw(kind, shape, gen(seed))
    check_against_torch(make(), ref, pred, target)


@given(B=st.integers(1, 64), K=st.integers(1, 17), seed=st.integers(0, 2**16))
def test_softmax_ce_matches_cross_entropy(B, K, seed):
    g = gen(seed)
    logits = 4 * torch.randn(B, K, generator=g, dtype=torch.float64)
    labels = torch.randint(0, K, (B,), generator=g)
    check_against_torch(SoftmaxCELoss(), F.cross_entropy, logits, labels)


def test_softmax_ce_gradient_is_p_minus_y_over_B():
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.5]], dtype=torch.float64)
    labels = torch.tensor([0, 2])
    loss = SoftmaxCELoss()
    loss.forward(logits, labels)
    p = torch.softmax(logits, dim=1)
    torch.testing.assert_close(loss.backward(), (p - F.one_hot(labels, 3)) / 2)
    torch.testing.assert_close(loss.probs, p)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_softmax_ce_logits_1e4_apart_are_finite_and_exact(dtype):
    logits = torch.tensor([[1e4, 0.0, -1e4], [0.0, 1e4, 0.0]], dtype=dtype)
    labels = torch.tensor([2, 1])
    loss = SoftmaxCELoss()
    value = loss.forward(logits, labels)
    grad = loss.backward()
    assert torch.isfinite(value) and torch.isfinite(grad).all()
    # sample 0 puts its true class 2e4 below the top: loss 2e4, not a clamped log(1e-9) ≈ 20.7
    torch.testing.assert_close(value, F.cross_entropy(logits, labels))
    assert value.item() == pytest.approx(1e4)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_bce_at_exact_zero_and_one_is_finite_like_torch(dtype):
    pred = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5], dtype=dtype)
    target = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0], dtype=dtype)
    loss = BCELoss()
    value = loss.forward(pred, target)
    grad = loss.backward()
    assert torch.isfinite(value) and torch.isfinite(grad).all()
    p = pred.clone().requires_grad_()
    ref = F.binary_cross_entropy(p, target)
    ref.backward()
    torch.testing.assert_close(value, ref.detach())
    torch.testing.assert_close(grad, p.grad)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_bce_with_logits_at_plus_minus_1000(dtype):
    z = torch.tensor([-1000.0, 1000.0, -1000.0, 1000.0], dtype=dtype)
    y = torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=dtype)
    check = BCEWithLogitsLoss()
    value = check.forward(z, y)
    assert value.item() == pytest.approx(500.0)  # two right (loss 0), two wrong by 1000
    assert torch.isfinite(check.backward()).all()


def test_mae_subgradient_at_zero_is_zero_like_torch():
    pred = torch.tensor([1.0, 2.0], dtype=torch.float64)
    loss = MAELoss()
    loss.forward(pred, pred.clone())
    assert torch.equal(loss.backward(), torch.zeros(2, dtype=torch.float64))


@pytest.mark.parametrize("make", [MSELoss, MAELoss, HuberLoss, BCELoss, BCEWithLogitsLoss])
def test_elementwise_bad_input(make):
    loss = make()
    with pytest.raises(RuntimeError, match=r"backward\(\) called before forward\(\)"):
        loss.backward()
    with pytest.raises(ValueError, match=r"expected shape \(4, 1\), got \(4,\)"):
        loss.forward(torch.full((4, 1), 0.5), torch.full((4,), 0.5))
    with pytest.raises(TypeError, match="expected dtype torch.float32, got torch.float64"):
        loss.forward(torch.full((4,), 0.5), torch.full((4,), 0.5, dtype=torch.float64))
    with pytest.raises(TypeError, match="floating-point tensor, got dtype torch.int64"):
        loss.forward(torch.full((4,), 0.5), torch.ones(4, dtype=torch.int64))
    with pytest.raises(RuntimeError):  # none of the failures above left a half-written cache
        loss.backward()


def test_bce_rejects_values_outside_unit_interval():
    with pytest.raises(
        ValueError, match=r"probabilities\): expected values in \[0, 1\], got min -0.1"
    ):
        BCELoss().forward(torch.tensor([-0.1, 0.5]), torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"target\): expected values in \[0, 1\]"):
        BCEWithLogitsLoss().forward(torch.tensor([3.0]), torch.tensor([2.0]))
    with pytest.raises(ValueError, match="expected values in"):
        BCELoss().forward(torch.tensor([float("nan")]), torch.tensor([1.0]))


def test_softmax_ce_bad_labels_change_nothing():
    loss = SoftmaxCELoss()
    logits = torch.zeros(3, 4)
    loss.forward(logits, torch.tensor([0, 1, 2]))
    before = loss.backward()
    cases = [
        (torch.tensor([0.0, 1.0, 2.0]), TypeError, "integer class labels.*got dtype torch.float32"),
        (torch.tensor([0, 1, 4]), ValueError, r"labels in \[0, 3\], got min 0, max 4"),
        (torch.tensor([-1, 1, 2]), ValueError, r"labels in \[0, 3\], got min -1"),
        (torch.tensor([0, 1]), ValueError, r"expected shape \(3,\), got \(2,\)"),
    ]
    for labels, error, message in cases:
        with pytest.raises(error, match=message):
            loss.forward(logits, labels)
    with pytest.raises(ValueError, match=r"expected shape \(B, K\), got \(4,\)"):
        loss.forward(torch.zeros(4), torch.tensor([0]))
    assert torch.equal(loss.backward(), before)


def test_huber_delta_must_be_positive():
    with pytest.raises(ValueError, match="delta must be a positive number, got 0"):
        HuberLoss(0)


# --- a call that fails changes nothing; empty batches; infinities --------------------------------

ALL_LOSSES = [*ELEMENTWISE, "softmax_ce"]


def _batch(name: str, rows: int, seed: int):
    g = gen(seed)
    if name == "softmax_ce":
        return torch.randn(rows, 4, generator=g, dtype=torch.float64), torch.randint(
            0, 4, (rows,), generator=g
        )
    return draw(ELEMENTWISE[name][2], (rows, 3), g)


def _make(name: str):
    return SoftmaxCELoss() if name == "softmax_ce" else ELEMENTWISE[name][0]()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_bce_with_logits_at_plus_minus_inf_gives_the_limits(dtype):
    # ℓ → 0 for a right answer, +inf for a wrong one; dℓ/dz → σ(±inf) − y = 1 − y or −y.
    inf = float("inf")
    z = torch.tensor([inf, inf, inf, -inf, -inf, -inf], dtype=dtype)
    y = torch.tensor([1.0, 0.0, 0.25, 0.0, 1.0, 0.25], dtype=dtype)
    loss = BCEWithLogitsLoss()
    loss.forward(z, y)
    per_element = loss._loss(z, y)
    assert torch.equal(per_element, torch.tensor([0, inf, inf, 0, inf, inf], dtype=dtype))
    expected_grad = torch.tensor([0.0, 1.0, 0.75, 0.0, -1.0, -0.25], dtype=dtype) / 6
    assert torch.equal(loss.backward(), expected_grad)
    right = BCEWithLogitsLoss()
    assert right.forward(z[[0, 3]], y[[0, 3]]).item() == 0.0
    assert torch.equal(right.backward(), torch.zeros(2, dtype=dtype))


def test_bce_with_logits_is_unchanged_for_finite_logits():
    z, y = draw("logit", (50, 3), gen(4))
    z[0, 0], z[1, 1] = 1000.0, -1000.0
    plain = z.clamp(min=0) - z * y + torch.log1p(torch.exp(-z.abs()))
    assert torch.equal(BCEWithLogitsLoss()._loss(z, y), plain)


def test_softmax_ce_with_a_plus_inf_logit_gives_the_limit():
    inf = float("inf")
    logits = torch.tensor([[inf, 0.0, 1.0], [0.0, -inf, inf], [1.0, 2.0, 3.0]], dtype=torch.float64)
    loss = SoftmaxCELoss()
    value = loss.forward(logits[:2], torch.tensor([0, 2]))  # the +inf logit is the label: L = 0
    assert value.item() == 0.0
    assert torch.equal(loss.backward(), torch.zeros(2, 3, dtype=torch.float64))
    loss.forward(logits, torch.tensor([1, 2, 0]))  # a wrong label: L = inf, finite gradient
    grad = loss.backward()
    assert torch.isfinite(grad).all()
    assert torch.equal(grad[0], torch.tensor([1.0, -1.0, 0.0], dtype=torch.float64) / 3)
