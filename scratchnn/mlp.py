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
from .activations import Activation, get_activation
from .layer import Layer, all_or_nothing
from .linear import Linear


class Sequential(Layer):
    """Layers applied in order; backward runs them in reverse.  Cost: the sum of the layers'.

    All or nothing: if one layer raises (BatchNorm1d given a single row in training), the layers
    before it are put back as they were (``Layer.snapshot``), so the model's caches and gradients
    still belong to one batch, the last one that went through whole.
    """

    skips_dx = True

    def __init__(self, layers: Sequence[Layer]) -> None:
        self.layers = list(layers)

    def children(self) -> list[Layer]:
        return self.layers

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, d_0) -> (B, d_L), through every layer in order."""
        with all_or_nothing(self):
            before = None  # the layer that made x
            for layer in self.layers:
                # Linear's output is a new tensor that it does not keep and only this loop holds:
                # the activation after it may compute in place (see ``backward``).
                if type(before) is Linear and isinstance(layer, Activation):
                    x = layer.forward(x, overwrite=True)
                else:
                    x = layer.forward(x)
                before = layer
        return x

    def backward(self, dout: torch.Tensor, *, need_dx: bool = False) -> torch.Tensor | None:
        """dout: dL/d(output) -> dL/d(input) if ``need_dx``, else None; fills every gradient.

        A model's input is data, and nobody reads the gradient of data; autograd skips it too.
        So by default the first layer does not compute dL/d(input): for a first ``Linear`` that
        is one matrix product, a third of its backward cost. Ask for it with ``need_dx=True``
        (a Sequential inside another one is asked by its parent).
        """
        first, *rest = self.layers
        with all_or_nothing(self):
            after = None  # the layer after this one, whose backward made dout
            for layer in reversed(rest):
                # Linear's dL/dx (dout·Wᵀ) is a new tensor that only this loop holds: the
                # activation before it may write its own result into it instead of allocating
                # another. (Only this library's Linear: a subclass might return something it keeps.)
                overwrite = type(after) is Linear and isinstance(layer, Activation)
                if overwrite:
                    dout = layer.backward(dout, overwrite=True)
                else:
                    dout = _backward(layer, dout, need_dx=True)
                after = layer
            dx = _backward(first, dout, need_dx=need_dx)
        return dx

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"{type(self).__name__}(\n  {inner}\n)"


def _backward(layer: Layer, dout: torch.Tensor, *, need_dx: bool) -> torch.Tensor | None:
    """``layer.backward(dout)``, skipping dL/dx where the layer can (``Layer.skips_dx``)."""
    if getattr(layer, "skips_dx", False):  # a duck-typed layer may not say
        return layer.backward(dout, need_dx=need_dx)
    dx = layer.backward(dout)
    return dx if need_dx else None


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
