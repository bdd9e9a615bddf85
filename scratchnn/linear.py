"""The fully-connected (linear) layer, forward and backward written by hand.

    Y = X W + b          X: (B, M)   W: (M, N)   b: (N,)   Y: (B, N)

Weights are laid out ``(M, N)`` = (in, out), the transpose of ``torch.nn.Linear.weight``, so the
forward pass reads exactly like the math.
"""

from __future__ import annotations

import torch

from . import _validate
from .layer import Layer


class Linear(Layer):
    """``y = x @ W + b``.

    Args:
        in_features: M, the width of each input row.
        out_features: N, the width of each output row.
        generator: seeds the weights; the same seed gives the same ``W`` on every device.
        dtype, device: of ``W`` and ``b`` (default: torch's default dtype, CPU).

    Attributes:
        W: (M, N), Xavier/Glorot normal: entries ~ N(0, 2 / (M + N)), so that at initialisation the
            variance of activations is roughly preserved both forward and backward.
        b: (N,), zeros.
        dW, db: gradients, same shapes as ``W`` and ``b``; filled by ``backward``.

    Cost (B rows): forward 2·B·M·N + B·N FLOPs; backward 4·B·M·N + B·N (2·B·M·N without dx).
    """

    param_names = ("W", "b")
    skips_dx = True  # backward(dout, need_dx=False) skips dL/dX

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        generator: torch.Generator | None = None,
        dtype: torch.dtype | None = None,
        device: torch.device | str | None = None,
    ) -> None:
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Linear: {name} must be a positive int, got {value!r}")
        device = _validate.device(device, "Linear")
        dtype = dtype or torch.get_default_dtype()
        std = (2.0 / (in_features + out_features)) ** 0.5
        # Drawn on the CPU and then moved, so one seed gives the same weights on CPU and GPU.
        W = torch.randn(in_features, out_features, generator=generator, dtype=dtype) * std
        self.W = W.to(device)
        self.b = torch.zeros(out_features, dtype=dtype, device=device)
        self.dW: torch.Tensor | None = None
        self.db: torch.Tensor | None = None
        self._x: torch.Tensor | None = None  # forward's input: dW = xᵀ·dout needs it

    @property
    def in_features(self) -> int:
        return self.W.shape[0]

    @property
    def out_features(self) -> int:
        return self.W.shape[1]

    @property
    def in_width(self) -> int:
        return self.in_features  # forward takes (B, M) batches

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, M) -> (B, N).  Cost: 2·B·M·N + B·N FLOPs, O(B·M·N)."""
        self._x = x  # dW = xᵀ·dout needs it
        # addmm fuses the bias add into the matrix multiply: one pass over Y instead of two.
        return torch.addmm(self.b, x, self.W)

    def _backward(self, dout: torch.Tensor, need_dx: bool = True) -> torch.Tensor | None:
        """dout = dL/dY: (B, N) -> dL/dX: (B, M); also sets ``dW`` (M, N) and ``db`` (N,).

            dL/dW = Xᵀ · dL/dY      (M, B)·(B, N) -> (M, N)    2·B·M·N FLOPs
            dL/db = Σ_i dL/dY[i]    (B, N) -> (N,)             B·N
            dL/dX = dL/dY · Wᵀ      (B, N)·(N, M) -> (B, M)    2·B·M·N

        With ``need_dx=False`` (the first layer of a network, whose input is data) the third
        product, a third of the backward cost, is skipped and ``None`` is returned.
        """
        self.dW = self._x.T @ dout
        self.db = dout.sum(dim=0)
        return dout @ self.W.T if need_dx else None

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features}, dtype={self.W.dtype})"
