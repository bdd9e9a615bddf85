"""The Layer protocol: parameters/gradients pairing, in-place SGD step, train/eval modes."""

import pytest
import torch
from reference import assert_same_state, state

from scratchnn import MLP, BatchNorm1d, Dropout, Layer, Linear, ReLU, Sequential


def test_parameters_and_gradients_pair_up_in_forward_order():
    net = MLP([3, 4, 2], generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    lin0, lin1 = net.layers[0], net.layers[2]
    assert [p.data_ptr() for p in net.parameters()] == [
        t.data_ptr() for t in (lin0.W, lin0.b, lin1.W, lin1.b)
    ]
    net.forward(torch.randn(5, 3, dtype=torch.float64))
    net.backward(torch.ones(5, 2, dtype=torch.float64))
    assert [g.shape for g in net.gradients()] == [p.shape for p in net.parameters()]


def test_gradients_before_backward_is_a_clear_error():
    with pytest.raises(RuntimeError, match=r"dW is not set: call backward\(\)"):
        Linear(2, 3).gradients()


def test_step_updates_in_place_so_optimizers_can_hold_the_tensors():
    lin = Linear(2, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    held = lin.parameters()
    W0 = lin.W.clone()
    x = torch.randn(4, 2, dtype=torch.float64)
    lin.forward(x)
    lin.backward(torch.ones(4, 3, dtype=torch.float64))
    lin.step(0.1)
    assert held[0] is lin.W
    torch.testing.assert_close(lin.W, W0 - 0.1 * x.T @ torch.ones(4, 3, dtype=torch.float64))


def test_step_before_backward_changes_nothing():
    lin = Linear(2, 3)
    W0 = lin.W.clone()
    with pytest.raises(RuntimeError):
        lin.step(0.1)
    assert torch.equal(lin.W, W0)


def test_train_eval_propagates_to_children():
    net = MLP([2, 3, 1])
    assert net.eval() is net
    assert not net.training and all(not layer.training for layer in net.layers)
    net.train()
    assert net.training and all(layer.training for layer in net.layers)


def test_base_layer_is_abstract():
    with pytest.raises(NotImplementedError):
        Layer().forward(torch.zeros(1))
    assert ReLU().parameters() == [] and ReLU().gradients() == []


def test_restore_puts_back_caches_gradients_buffers_and_generators():
    g = torch.Generator().manual_seed(0)
    net = Sequential([Linear(3, 4, generator=g), BatchNorm1d(4), Dropout(0.5, generator=g)])
    net.forward(torch.randn(5, 3))
    net.backward(torch.randn(5, 4))
    before, running_mean = state(net), net.layers[1].running_mean
    snapshot = net.snapshot()
    net.forward(torch.randn(8, 3))  # new caches, running statistics and generator state
    net.backward(torch.randn(8, 4))
    net.layers[0].extra = "an attribute the layer did not have"
    net.restore(snapshot)
    assert_same_state(state(net), before)
    assert net.layers[1].running_mean is running_mean  # restored in place: holders see it too


def test_restore_takes_only_a_snapshot_of_the_same_layer():
    a, b = Linear(2, 3), Linear(2, 3)
    with pytest.raises(ValueError, match="expected a snapshot of this layer, got one of another"):
        a.restore(b.snapshot())
