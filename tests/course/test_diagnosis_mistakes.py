"""diagnose names each classic backward mistake, with its hint (transposes, reductions over the
batch, scales and signs, the wrong cache, and what matches none)."""

import pytest
import torch
from diagnosis_cases import B, M, N, assert_names, batch, broken_linear
from reference import gen

from course.diagnosis import diagnose, diagnose_function
from scratchnn import (
    MLP,
    Layer,
    Linear,
    MSELoss,
    ReLU,
    Sigmoid,
    SoftmaxCELoss,
    sigmoid,
)

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
