"""FLOP counts of the Linear layer and the MLP, by the formulas the book derives.

A multiply-add counts as 2 FLOPs. For Y = XW + b with X: (B, M), W: (M, N)::

    forward   Y = XW + b     2·B·M·N + B·N     (B·N dot products of length M, then the bias)
    backward  dW = XᵀdY       2·B·M·N
              db = Σ_i dY     B·N               (counted as B·N additions, like the bias)
              dX = dY·Wᵀ      2·B·M·N           (skipped for a first layer fed with data)

So backward ≈ 2 × forward (two matrix products against one), and a whole training step
≈ 3 × forward. Activations and losses add O(B·N) each and are left out: they are a few percent
of the matrix products at any width worth counting.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LinearFlops:
    """FLOPs of one Linear layer on a batch; every field is an exact integer count."""

    forward: int
    weight_grad: int
    bias_grad: int
    input_grad: int

    @property
    def backward(self) -> int:
        return self.weight_grad + self.bias_grad + self.input_grad

    @property
    def total(self) -> int:
        return self.forward + self.backward


def linear_flops(
    batch: int, in_features: int, out_features: int, *, need_dx: bool = True
) -> LinearFlops:
    """FLOPs of ``Linear(in_features, out_features)`` on a batch of ``batch`` rows."""
    B, M, N = batch, in_features, out_features
    for name, value in (("batch", B), ("in_features", M), ("out_features", N)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"linear_flops: {name} must be a positive int, got {value!r}")
    matmul = 2 * B * M * N
    return LinearFlops(
        forward=matmul + B * N,
        weight_grad=matmul,
        bias_grad=B * N,
        input_grad=matmul if need_dx else 0,
    )


@dataclass(frozen=True)
class MLPFlops:
    """FLOPs of the Linear layers of an MLP, layer by layer and in total."""

    layers: tuple[LinearFlops, ...]

    @property
    def forward(self) -> int:
        return sum(layer.forward for layer in self.layers)

    @property
    def backward(self) -> int:
        return sum(layer.backward for layer in self.layers)

    @property
    def total(self) -> int:
        return self.forward + self.backward


def mlp_flops(dims: Sequence[int], batch: int, *, need_input_grad: bool = False) -> MLPFlops:
    """FLOPs of ``MLP(dims)`` on ``batch`` rows.

    By default the first layer's dX is not counted: training feeds the network data, whose
    gradient nobody needs (``MLP.backward(dout, need_dx=False)``).
    """
    if len(dims) < 2:
        raise ValueError(f"mlp_flops: dims must list at least 2 widths, got {list(dims)!r}")
    return MLPFlops(
        tuple(
            linear_flops(batch, d_in, d_out, need_dx=need_input_grad or i > 0)
            for i, (d_in, d_out) in enumerate(itertools.pairwise(dims))
        )
    )


def parameter_count(dims: Sequence[int]) -> int:
    """Number of weights and biases in ``MLP(dims)``: Σ_l (d_l·d_{l+1} + d_{l+1})."""
    return sum(d_in * d_out + d_out for d_in, d_out in itertools.pairwise(dims))
