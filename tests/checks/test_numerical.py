"""numerical.py: what gradcheck and diagnose share, tested once for both."""

import pytest
import torch
from reference import F64, gen

from course.diagnosis import diagnose
from scratchnn import MLP, BatchNorm1d, Linear, ReLU, Sequential
from scratchnn.checks import gradient_errors
from scratchnn.checks.numerical import (
    UPSTREAM_SEED,
    float64_copy,
    named_layers,
    numerical_gradient,
    relative_error,
    upstream,
)


def test_numerical_gradient_of_a_known_function():
    t = torch.tensor([1.0, -2.0, 3.0], dtype=F64)
    grad = numerical_gradient(lambda: (t**3).sum().item(), t)
    assert relative_error(grad, 3 * t**2) < 1e-9
    assert torch.equal(t, torch.tensor([1.0, -2.0, 3.0], dtype=F64))  # restored


def test_relative_error_conventions():
    z = torch.zeros(3)
    assert relative_error(z, z) == 0.0
    assert relative_error(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0])) == pytest.approx(0.5)


def test_upstream_is_seeded_float64_and_one_for_a_scalar():
    R = upstream(torch.Size((4, 3)))
    assert R.dtype == F64 and R.shape == (4, 3)
    assert torch.equal(R, upstream(torch.Size((4, 3)), UPSTREAM_SEED))
    assert not torch.equal(R, upstream(torch.Size((4, 3)), 0))
    assert upstream(torch.Size(())).item() == 1.0


def test_float64_copy_casts_every_tensor_of_every_layer_and_leaves_the_original():
    net = Sequential([Linear(3, 4, generator=gen(0)), BatchNorm1d(4), ReLU()])
    net.forward(torch.randn(5, 3, generator=gen(1)))  # caches and running statistics set
    copy = float64_copy(net)
    bn, bn_copy = net.layers[1], copy.layers[1]
    assert bn_copy.running_var.dtype == F64 and copy.layers[0].W.dtype == F64
    assert copy.layers[0]._x.dtype == F64  # stale caches too: a float32 one would mix dtypes
    assert torch.equal(bn_copy.running_var, bn.running_var.double())
    assert bn.running_var.dtype == torch.float32 and net.layers[0].W.dtype == torch.float32
    copy.layers[0].W.add_(1.0)
    assert not torch.equal(net.layers[0].W.double(), copy.layers[0].W)  # a deep copy


def test_named_layers_walks_nested_layers_by_path():
    inner = Sequential([Linear(2, 2), ReLU()])
    net = Sequential([inner, Linear(2, 1)])
    paths = [path for path, _ in named_layers(net)]
    assert paths == ["", "layers.0.", "layers.0.layers.0.", "layers.0.layers.1.", "layers.1."]
    assert named_layers(object())[0][0] == ""  # a learner's class without children()


def test_the_two_checkers_measure_the_same_errors():
    net = MLP([3, 5, 2], "tanh", generator=gen(2))
    x = torch.randn(4, 3, generator=gen(3), dtype=F64)
    assert gradient_errors(net, x) == diagnose(net, x).per_tensor
