"""diagnose: correct code passes, and each classic backward mistake is named, with its hint."""

import pytest
import torch
from reference import gen

from course.diagnosis import MISTAKES, Diagnosis, diagnose, diagnose_function
from scratchnn import (
    ACTIVATIONS,
    ELU,
    MLP,
    BatchNorm1d,
    BCELoss,
    BCEWithLogitsLoss,
    Dropout,
    HuberLoss,
    Layer,
    Linear,
    MAELoss,
    MSELoss,
    ReLU,
    Sequential,
    Sigmoid,
    SoftmaxCELoss,
    Tanh,
    gradient_errors,
    sigmoid,
)
from scratchnn.checks import UPSTREAM_SEED

B, M, N = 5, 3, 4  # distinct, and none is 2, so that every factor has one explanation


def batch(rows=B, cols=M, seed=0):
    return torch.randn(rows, cols, generator=gen(seed), dtype=torch.float64)


def linear(m=M, n=N):
    lin = Linear(m, n, generator=gen(1))
    lin.b = torch.randn(n, generator=gen(2))  # a non-zero bias
    return lin


def broken_linear(dW=None, db=None, dx=None, m=M, n=N):
    """A Linear whose backward replaces dW, db or dx by ``f(self, x, dout, correct_value)``."""

    class Broken(Linear):
        def backward(self, dout, *, need_dx=True):
            out = super().backward(dout, need_dx=need_dx)
            if dW:
                self.dW = dW(self, self._x, dout, self.dW)
            if db:
                self.db = db(self, self._x, dout, self.db)
            return dx(self, self._x, dout, out) if dx else out

    lin = Broken(m, n, generator=gen(1))
    lin.b = torch.randn(n, generator=gen(2))
    return lin


def assert_names(d: Diagnosis, mistake: str, tensor: str, *phrases: str) -> None:
    assert not d.ok, d.message
    assert (d.mistake, d.tensor) == (mistake, tensor), d.message
    assert mistake in MISTAKES
    for phrase in phrases:
        assert phrase in d.message, d.message
    assert str(d) == d.message


# --- correct code ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "obj",
    [linear(), Sigmoid(), Tanh(), ReLU(), ELU(), MLP([M, 6, 2], "gelu", generator=gen(3))],
    ids=lambda o: type(o).__name__,
)
def test_correct_layers_are_ok_and_agree_with_gradient_errors(obj):
    x = batch()
    d = diagnose(obj, x)
    assert d.ok and d.mistake is None and d.tensor is None and d.mistakes == {}, d.message
    assert d.per_tensor == gradient_errors(obj, x, seed=UPSTREAM_SEED)  # the same upstream R
    assert d.max_error < 1e-8 and "central differences in float64 (error < 1e-06)" in d.message


def test_correct_losses_and_function_pair_are_ok():
    x = batch()
    assert diagnose(MSELoss(), x, batch(seed=5)).ok
    assert diagnose(SoftmaxCELoss(), x, torch.tensor([0, 1, 2, 1, 0])).ok
    d = diagnose_function(sigmoid, lambda x, y, dout: dout * y * (1 - y), x)
    assert d.ok and d.message == "sigmoid backward: dx matches central differences in float64 " + (
        "(error < 1e-06)."
    )
    assert diagnose((sigmoid, lambda x, y, dout: dout * y * (1 - y)), x).ok  # the tuple form


def test_leaves_the_callers_object_alone():
    lin = Linear(M, N, generator=gen(1))  # float32
    W = lin.W.clone()
    diagnose(lin, batch())
    assert lin.W.dtype == torch.float32 and torch.equal(lin.W, W) and lin._x is None


# --- transposed --------------------------------------------------------------------------------


def test_transposed_weight_gradient_reports_the_shapes():
    d = diagnose(broken_linear(dW=lambda s, x, dout, g: dout.T @ x), batch())
    assert_names(d, "transposed", "W", "shape (4, 3), expected (3, 4): transposed?", "exactly")
    assert d.mistakes == {"W": "transposed"}  # dx and db are right


def test_transposed_weight_gradient_of_a_square_layer():
    lin = broken_linear(dW=lambda s, x, dout, g: dout.T @ x, m=N, n=N)
    d = diagnose(lin, batch(cols=N))
    assert_names(d, "transposed", "W", "transpose of the true gradient", "square")
    # Why the upstream gradient has its own seed: drawn like x (seed 0, same shape), R = x and
    # xᵀ·R is symmetric, so this very mistake would pass unseen.
    assert diagnose(lin, batch(cols=N), seed=0).ok


def test_transposed_input_gradient():
    d = diagnose(broken_linear(dx=lambda s, x, dout, g: s.W @ dout.T), batch())
    assert_names(d, "transposed", "x", "dx has shape (3, 5), expected (5, 3): transposed?")


def test_input_gradient_with_an_untransposed_square_weight():
    lin = broken_linear(dx=lambda s, x, dout, g: dout @ s.W, m=N, n=N)
    d = diagnose(lin, batch(cols=N))
    assert_names(d, "transposed", "x", "dx equals dout·W, where dout·Wᵀ belongs")


# --- reductions over the batch -----------------------------------------------------------------


@pytest.mark.parametrize("rows", [B, N], ids=["B!=N", "B==N"])
def test_bias_summed_over_the_wrong_axis(rows):
    d = diagnose(broken_linear(db=lambda s, x, dout, g: dout.sum(1)), batch(rows=rows))
    assert_names(d, "wrong_axis", "b", "dout.sum(axis=1)", "db = dout.sum(0)")


def test_weight_summed_over_the_batch_before_the_product():
    outer = lambda s, x, dout, g: torch.outer(x.sum(0), dout.sum(0))  # noqa: E731
    d = diagnose(broken_linear(dW=outer), batch())
    assert_names(d, "wrong_axis", "W", "summed before the", "dW = xᵀ·dout")


@pytest.mark.parametrize(
    ("db", "phrase"),
    [
        (lambda s, x, dout, g: dout[0], "equals dout[0] alone"),
        (lambda s, x, dout, g: dout.mean(0), "mean of dout over the batch, 5× too small"),
        (lambda s, x, dout, g: dout, "it is dout itself, never summed"),
    ],
    ids=["first_row", "mean", "unsummed"],
)
def test_bias_not_summed_over_the_batch(db, phrase):
    d = diagnose(broken_linear(db=db), batch())
    assert_names(d, "bias_not_summed", "b", phrase, "db = dout.sum(0)")


def test_weight_gradient_of_one_sample_only():
    d = diagnose(broken_linear(dW=lambda s, x, dout, g: x[:1].T @ dout[:1]), batch())
    assert_names(d, "not_summed", "W", "sample 0's contribution alone", "dW = xᵀ·dout")


# --- scales and signs --------------------------------------------------------------------------


class MSEBackward(MSELoss):
    """MSE with its backward replaced by ``grad(diff, B, N)``."""

    def __init__(self, grad):
        self.grad = grad

    def backward(self):
        rows = self._diff.shape[0]
        return self.grad(self._diff, rows, self._diff.numel() // rows)


@pytest.mark.parametrize(
    ("grad", "phrase"),
    [
        (lambda e, B, N: 2 * e, "15× too large, and 15 = B·N: the 1/(B·N)"),
        (lambda e, B, N: 2 * e / B, "3× too large, and 3 = N: the 1/N"),
    ],
    ids=["no_mean", "rows_only"],
)
def test_loss_missing_its_mean(grad, phrase):
    d = diagnose(MSEBackward(grad), batch(), batch(seed=5))
    assert_names(d, "missing_batch_scale", "x", phrase)


def test_softmax_cross_entropy_missing_its_1_over_B():
    class NoMean(SoftmaxCELoss):
        def backward(self):
            return super().backward() * self._probs.shape[0]

    d = diagnose(NoMean(), batch(), torch.tensor([0, 1, 2, 1, 0]))
    assert_names(d, "missing_batch_scale", "x", "5× too large, and 5 = B: the 1/B")


def test_extra_1_over_B_in_a_layer():
    d = diagnose(broken_linear(dW=lambda s, x, dout, g: g / x.shape[0]), batch())
    assert_names(d, "extra_scale", "W", "1/5 of the true gradient, and 5 = B", "never divides")


def test_extra_scale_in_a_loss():
    d = diagnose(MSEBackward(lambda e, B, N: 2 * e / (B * N) ** 2), batch(), batch(seed=5))
    assert_names(d, "extra_scale", "x", "divided by (B·N) once too often")


def test_flipped_sign_in_a_layer_and_in_a_loss():
    d = diagnose(broken_linear(dx=lambda s, x, dout, g: -g), batch())
    assert_names(d, "sign", "x", "exactly −1 ×", "sign is flipped")
    d = diagnose(MSEBackward(lambda e, B, N: -2 * e / (B * N)), batch(), batch(seed=5))
    assert_names(d, "sign", "x", "target − pred")


def test_constant_factor_reports_the_factor():
    d = diagnose(broken_linear(dx=lambda s, x, dout, g: 2 * g), batch())
    assert_names(d, "constant_factor", "x", "≈ 2× too large")
    d = diagnose(MSEBackward(lambda e, B, N: e / (B * N)), batch(), batch(seed=5))  # lost the 2
    assert_names(d, "constant_factor", "x", "≈ 2× too small")


# --- the wrong cache ---------------------------------------------------------------------------


class SigmoidFromInput(Sigmoid):
    """σ′ written as x(1 − x): the input where the output s = σ(x) belongs."""

    def _forward(self, x):
        self._x = x
        return super()._forward(x)

    def _backward(self, dout):
        return dout * self._x * (1.0 - self._x)


class LinearFromOutput(Linear):
    """dW from the cached output instead of the input."""

    def forward(self, x):
        self._y = super().forward(x)
        return self._y

    def backward(self, dout, *, need_dx=True):
        dx = super().backward(dout, need_dx=need_dx)
        self.dW = self._y.T @ dout
        return dx


def test_activation_reading_the_input_instead_of_the_output():
    d = diagnose(SigmoidFromInput(), batch())
    assert_names(d, "wrong_cache", "x", "self._x, which holds forward's input x")


@pytest.mark.parametrize("m", [M, N], ids=["M!=N", "M==N"])
def test_linear_weight_gradient_from_the_output(m):
    d = diagnose(LinearFromOutput(m, N, generator=gen(1)), batch(cols=m))
    assert_names(d, "wrong_cache", "W", "self._y, which holds forward's output y")


def test_function_pair_reading_the_wrong_argument():
    d = diagnose_function(sigmoid, lambda x, y, dout: dout * x * (1 - x), batch())
    assert_names(d, "wrong_cache", "x", "gets y in place of x")


def test_wrong_cache_by_pattern_when_the_cache_is_hidden():
    class ELUHidden(Layer):
        """ELU whose backward evaluates the derivative at the output; caches in a dict."""

        def _forward(self, x):
            y = torch.where(x > 0, x, torch.expm1(x))
            self.cache = {"y": y}
            return y

        def _backward(self, dout):
            y = self.cache["y"]
            return torch.where(y > 0, dout, dout * torch.exp(y))

    d = diagnose(ELUHidden(), batch())
    assert_names(d, "wrong_cache", "x", "evaluated at forward's output y instead of its input x")


# --- everything else ---------------------------------------------------------------------------


def test_nothing_matches_names_the_tensor_and_the_index():
    def nudge(s, x, dout, g):
        g = g.clone()
        g[1, 2] += 0.5
        return g

    d = diagnose(broken_linear(dW=nudge), batch())
    assert not d.ok and d.mistake is None and d.tensor == "W"
    assert "no common mistake matches" in d.message
    assert "Largest disagreement at dW[1, 2]: backward gave" in d.message
    assert "central differences give" in d.message


def test_missing_zero_non_finite_and_misshapen_gradients():
    d = diagnose(broken_linear(db=lambda s, x, dout, g: None), batch())
    assert_names(d, "missing", "b", "db was never set")
    assert d.max_error == float("inf")
    d = diagnose(broken_linear(db=lambda s, x, dout, g: dout.sum(0, keepdim=True)), batch())
    assert_names(d, "wrong_shape", "b", "right values but shape (1, 4), expected (4,)")
    d = diagnose(broken_linear(db=lambda s, x, dout, g: torch.zeros_like(g)), batch())
    assert_names(d, "zero_gradient", "b", "db is all zeros")
    d = diagnose(broken_linear(dx=lambda s, x, dout, g: g / 0.0), batch())
    assert_names(d, "not_finite", "x", "dx contains NaN or inf")


def test_a_chain_is_checked_one_layer_at_a_time():
    class BadReLU(ReLU):
        def _backward(self, dout):
            return -super()._backward(dout)

    mlp = MLP([M, 6, 2], generator=gen(3))
    mlp.layers[1] = BadReLU()
    d = diagnose(mlp, batch())
    assert_names(d, "sign", "layers.1.x", "Checked alone, layers.1 (BadReLU) is wrong")
    assert d.mistakes == {"x": "sign", "layers.0.W": "sign", "layers.0.b": "sign"}


def test_messages_are_identical_on_every_run():
    make = [
        lambda: diagnose(SigmoidFromInput(), batch()),
        lambda: diagnose(broken_linear(dW=lambda s, x, dout, g: g + 0.1 * x.T @ x @ s.W), batch()),
    ]
    for run in make:
        first, second = run(), run()
        assert first.message == second.message and "0x" not in first.message


def test_a_loss_needs_its_target():
    with pytest.raises(ValueError, match="needs its target"):
        diagnose(MSELoss(), batch())


# --- no false alarms: every correct layer and loss, B = 2 … 64 ------------------------------------


class FixedMaskDropout(Dropout):
    """Dropout drawing the same mask at every forward, so that central differences see one f."""

    def forward(self, x):
        self.generator.manual_seed(9)
        return super().forward(x)


def _eval_batchnorm():
    bn = BatchNorm1d(3, dtype=torch.float64)
    bn.running_mean = torch.randn(3, generator=gen(3), dtype=torch.float64)
    bn.running_var = 0.5 + torch.rand(3, generator=gen(4), dtype=torch.float64)
    return bn.eval()


CORRECT_LAYERS = {
    "Linear": lambda: linear(3, 4),
    **{name: cls for name, cls in ACTIVATIONS.items()},
    "BatchNorm1d_train": lambda: BatchNorm1d(3, dtype=torch.float64),
    "BatchNorm1d_eval": _eval_batchnorm,
    "Dropout": lambda: FixedMaskDropout(0.3, generator=gen(5)),
    "MLP": lambda: MLP([3, 5, 2], "tanh", generator=gen(6)),
    "Sequential": lambda: Sequential(
        [Linear(3, 4, generator=gen(7)), BatchNorm1d(4), ReLU(), Linear(4, 2, generator=gen(8))]
    ),
}
CORRECT_LOSSES = {
    "MSELoss": (MSELoss, lambda B: batch(B, 3, seed=11)),
    "MAELoss": (MAELoss, lambda B: batch(B, 3, seed=11)),
    "HuberLoss": (HuberLoss, lambda B: batch(B, 3, seed=11)),
    "BCELoss": (BCELoss, lambda B: torch.rand(B, 3, generator=gen(11), dtype=torch.float64)),
    "BCEWithLogitsLoss": (
        BCEWithLogitsLoss,
        lambda B: torch.rand(B, 3, generator=gen(11), dtype=torch.float64),
    ),
    "SoftmaxCELoss": (SoftmaxCELoss, lambda B: torch.randint(0, 3, (B,), generator=gen(11))),
}
SOME_BATCHES = [2, 3, 4, 5, 8, 16, 31, 64]


def _input(name: str, B: int) -> torch.Tensor:
    x = 2.0 * batch(B, 3, seed=B) + 0.5
    return torch.sigmoid(x) if name == "BCELoss" else x  # BCE takes probabilities


@pytest.mark.parametrize("B", SOME_BATCHES)
@pytest.mark.parametrize("name", list(CORRECT_LAYERS))
def test_no_correct_layer_is_flagged_at_any_batch_size(name, B):
    d = diagnose(CORRECT_LAYERS[name](), _input(name, B))
    assert d.ok, d.message


@pytest.mark.parametrize("B", SOME_BATCHES)
@pytest.mark.parametrize("name", list(CORRECT_LOSSES))
def test_no_correct_loss_is_flagged_at_any_batch_size(name, B):
    make, target = CORRECT_LOSSES[name]
    d = diagnose(make(), _input(name, B), target(B))
    assert d.ok, d.message


@pytest.mark.parametrize("offset", [0.0, 1000.0], ids=["centred", "far_from_0"])
def test_batchnorm_is_never_flagged_from_2_to_64_rows(offset):
    # At B = 2, x̂ = ±1 whatever x is: dx is pure rounding noise on both sides, and was flagged
    # ("backward gave 2.397e-05, central differences give 2.397e-05"). Far from 0 the noise of
    # x − μ grows with |x|/σ, which only the measured resolution of central differences sees.
    for B in range(2, 65):
        x = offset + 100.0 ** (offset > 0) * batch(B, 3, seed=B)
        d = diagnose(BatchNorm1d(3, dtype=torch.float64), x)
        assert d.ok, (B, d.message)


def test_the_floor_cannot_hide_a_small_mistake():
    # A gradient off by 5 parts in 10⁴ is far above the rounding noise: flagged, and the factor
    # is printed with the digits that tell it from 1.
    d = diagnose(broken_linear(dx=lambda s, x, dout, g: 1.0005 * g), batch())
    assert_names(d, "constant_factor", "x", "times 1.0005 (≈ 1.0005× too large)")
    d = diagnose(broken_linear(dx=lambda s, x, dout, g: g / 1.0005), batch())
    assert_names(d, "constant_factor", "x", "times 0.9995 (≈ 1.0005× too small)")


# Factors right on a rounding boundary of their shortest print (1.0005 at four digits, 1.00005
# and 0.99995 at five, 1.235 at three; 2.5 sits on none from three digits on): a noise-sized change
# would flip that digit, so the message prints one digit more, whichever side of the boundary
# this machine's rounding put the estimate.
BOUNDARY_FACTORS = [
    (1.0005, "times 1.0005 (≈ 1.0005× too large)"),
    (1.00005, "times 1.00005 (≈ 1.00005× too large)"),
    (1 / 1.00005, "times 0.99995 (≈ 1.00005× too small)"),
    (2.5, "times 2.5 (≈ 2.5× too large)"),
    (1.235, "times 1.235 (≈ 1.235× too large)"),
]


@pytest.mark.parametrize("factor, phrase", BOUNDARY_FACTORS)
def test_a_factor_on_a_rounding_boundary_prints_the_same_everywhere(factor, phrase):
    d = diagnose(broken_linear(dx=lambda s, x, dout, g: factor * g), batch())
    assert_names(d, "constant_factor", "x", phrase)


@pytest.mark.parametrize("nudge", [-1e-15, 0.0, 1e-15, -1e-9, 1e-9])
def test_noise_sized_changes_of_a_factor_change_no_digit(nudge):
    # The estimate of c lands within rounding noise of the truth, on one side or the other
    # depending on the machine: every such landing prints the same text.
    from course.diagnosis.digits import _digits

    for factor, _ in BOUNDARY_FACTORS:
        c = factor * (1 + nudge)
        assert _digits(c, 1e-6 * c, 3, other=1.0) == _digits(factor, 1e-6 * factor, 3, other=1.0)


def test_the_messages_are_the_same_on_another_numeric_path():
    # The same diagnoses, run in a process on torch's plainest kernels and MKL's most compatible
    # path with two threads, give the same text, word for word.
    import json
    import os
    import subprocess
    import sys

    code = (
        "import sys; sys.path.insert(0, 'tests'); sys.path.insert(0, 'tests/course');"
        "from test_diagnosis import BOUNDARY_FACTORS, broken_linear, batch, diagnose\n"
        "import json\n"
        "print(json.dumps([diagnose(broken_linear(dx=lambda s, x, dout, g: f * g), batch())"
        ".message for f, _ in BOUNDARY_FACTORS]))"
    )
    env = dict(os.environ, ATEN_CPU_CAPABILITY="default", MKL_CBWR="COMPATIBLE")
    env["OMP_NUM_THREADS"] = "2"
    other = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    other = json.loads(other)
    here = [
        diagnose(broken_linear(dx=lambda s, x, dout, g, f=f: f * g), batch()).message
        for f, _ in BOUNDARY_FACTORS
    ]
    assert other == here


def test_a_disagreement_prints_the_digits_that_differ():
    def nudge(s, x, dout, g):
        g = g.clone()
        g[1, 2] *= 1.0001
        return g

    d = diagnose(broken_linear(dW=nudge), batch())
    gave, truth = d.message.split("backward gave ")[1].split(", central differences give ")
    assert gave != truth.rstrip(".")
