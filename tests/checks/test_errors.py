"""The numerical gradient checker: small on correct code, large on wrong code, harmless."""

import pytest
import torch

from scratchnn import (
    MLP,
    BCEWithLogitsLoss,
    Linear,
    MSELoss,
    ReLU,
    SoftmaxCELoss,
    gradcheck,
    gradient_errors,
)


def test_correct_layers_and_losses_pass():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(5, 3, generator=g)
    assert gradcheck(Linear(3, 4, generator=g), x) < 1e-8
    assert gradcheck(MLP([3, 6, 2], "gelu", generator=g), x) < 1e-8
    assert gradcheck(MSELoss(), x, torch.randn(5, 3, generator=g)) < 1e-8
    assert gradcheck(BCEWithLogitsLoss(), x, torch.rand(5, 3, generator=g)) < 1e-8
    assert gradcheck(SoftmaxCELoss(), x, torch.tensor([0, 1, 2, 1, 0])) < 1e-8


def test_names_every_gradient():
    errors = gradient_errors(MLP([2, 3, 1]), torch.randn(4, 2))
    assert list(errors) == ["x", "layers.0.W", "layers.0.b", "layers.2.W", "layers.2.b"]


class WrongBias(Linear):
    """A classic bug: the bias gradient not summed over the batch (mean instead)."""

    def backward(self, dout, *, need_dx=True):
        dx = super().backward(dout, need_dx=need_dx)
        self.db = dout.mean(dim=0)
        return dx


class WrongSign(ReLU):
    def _backward(self, dout):
        return -super()._backward(dout)


def test_wrong_gradients_are_caught():
    x = torch.randn(6, 3, generator=torch.Generator().manual_seed(1))
    errors = gradient_errors(WrongBias(3, 2), x)
    assert errors["b"] > 0.5 and errors["W"] < 1e-8
    assert gradcheck(WrongSign(), x) > 1.0


def test_leaves_the_callers_object_alone():
    lin = Linear(3, 2)  # float32
    W = lin.W.clone()
    x = torch.randn(4, 3)
    gradcheck(lin, x)
    assert lin.W.dtype == torch.float32 and torch.equal(lin.W, W) and lin._x is None


def test_loss_needs_a_target():
    with pytest.raises(ValueError, match="needs its target"):
        gradcheck(MSELoss(), torch.zeros(2))


class TransposedWeightGrad(Linear):
    def backward(self, dout, *, need_dx=True):
        dx = super().backward(dout, need_dx=need_dx)
        self.dW = dout.T @ self._x  # (N, M) values in a square (M, M) layer
        return dx


def test_default_upstream_seed_is_not_the_data_seed():
    # Regression: with R drawn like x (seed 0, same shape) R == x, xᵀR is symmetric, and a
    # transposed dW passed the check.
    x = torch.randn(5, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    lin = TransposedWeightGrad(4, 4, generator=torch.Generator().manual_seed(1))
    assert gradient_errors(lin, x, seed=0)["W"] < 1e-8  # the blind spot, pinned
    assert gradient_errors(lin, x)["W"] > 0.1


def test_float32_buffers_are_cast_too():
    from scratchnn import BatchNorm1d

    bn = BatchNorm1d(3)  # float32 parameters and running statistics
    bn.forward(torch.randn(8, 3))  # moves the running statistics off their initial values
    assert gradcheck(bn, torch.randn(6, 3, generator=torch.Generator().manual_seed(2))) < 1e-8
