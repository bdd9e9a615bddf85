"""The multi-layer perceptron: Linear, activation, Linear, activation, …, Linear.

    dims = [d_0, d_1, …, d_L]:   x (B, d_0) -> Linear -> act -> … -> Linear -> (B, d_L)

There is no activation after the last Linear: the output is a raw score that the loss interprets
(a regression value for MSE, a logit for BCE-with-logits or softmax cross-entropy).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import torch

from . import _validate
from .activations import get_activation
from .layer import Layer
from .linear import Linear


class Sequential(Layer):
    """Layers applied in order; backward runs them in reverse.  Cost: the sum of the layers'.

    If one layer raises (BatchNorm1d given a single row in training), ``Layer`` puts every layer
    back as it was, so the model's caches and gradients still belong to one batch.
    """

    skips_dx = True

    def __init__(self, layers: Sequence[Layer]) -> None:
        self.layers = list(layers)

    def children(self) -> list[Layer]:
        return self.layers

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, d_0) -> (B, d_L), through every layer in order."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def _backward(self, dout: torch.Tensor, need_dx: bool = True) -> torch.Tensor | None:
        """dout: dL/d(output) -> dL/d(input) if ``need_dx``, else None; fills every gradient.

        A model's input is data, and nobody reads the gradient of data; autograd skips it too.
        So ``model.backward(dout)`` does not ask the first layer for dL/d(input): for a first
        ``Linear`` that is one matrix product, a third of its backward cost. Ask for it with
        ``need_dx=True`` (a Sequential inside another one is asked by its parent).
        """
        first, *rest = self.layers
        for layer in reversed(rest):
            dout = layer.backward(dout, need_dx=True)  # the layer before needs it
        return first.backward(dout, need_dx=need_dx)

    def _forward_output(self) -> tuple[torch.Size, torch.dtype, torch.device] | None:
        return self.layers[-1]._forward_output()  # its layers may also be run one by one

    def backward(self, dout: torch.Tensor, *, need_dx: bool = False) -> torch.Tensor | None:
        """As ``Layer.backward``, but without dL/d(input) unless asked: see ``_backward``."""
        return super().backward(dout, need_dx=need_dx)

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"{type(self).__name__}(\n  {inner}\n)"


def _check_dims(dims: object) -> list[int]:
    if not isinstance(dims, Sequence) or isinstance(dims, str) or len(dims) < 2:
        raise ValueError(f"MLP: dims must list at least 2 widths [input, …, output], got {dims!r}")
    for width in dims:
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            raise ValueError(f"MLP: every width in dims must be a positive int, got {dims!r}")
    return list(dims)


class MLP(Sequential):
    """An MLP with widths ``dims`` and the named activation between Linear layers.

    Args:
        dims: [d_0, …, d_L], at least two positive ints.
        activation: a key of ``ACTIVATIONS`` ('sigmoid', 'tanh', 'relu', 'leaky', 'elu', 'gelu',
            'swish').
        generator: seeds every layer's weights, in order; same seed, same network.

    Cost for a batch of B: forward Σ_l (2·B·d_l·d_{l+1} + B·d_{l+1}) FLOPs in the Linear layers
    plus O(B·Σ d_l) in the activations; see ``scratchnn.cost.mlp_flops``.
    """

    def __init__(
        self,
        dims: Sequence[int],
        activation: str = "relu",
        *,
        generator: torch.Generator | None = None,
        dtype: torch.dtype | None = None,
        device: torch.device | str | None = None,
    ) -> None:
        dims = _check_dims(dims)
        act_cls = get_activation(activation)  # checked before any weight is drawn
        device = _validate.device(device, "MLP")
        layers: list[Layer] = []
        for i, (d_in, d_out) in enumerate(itertools.pairwise(dims)):
            layers.append(Linear(d_in, d_out, generator=generator, dtype=dtype, device=device))
            if i < len(dims) - 2:  # no activation after the output layer
                layers.append(act_cls())
        super().__init__(layers)
        self.dims, self.activation = dims, activation

    def __repr__(self) -> str:
        return f"MLP(dims={self.dims}, activation={self.activation!r})"
