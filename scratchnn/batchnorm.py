"""Batch normalisation over a batch of feature vectors, forward and hand-derived backward.

    x: (B, N)  ->  x̂ = (x − μ) / σ  ->  y = γ·x̂ + β            γ, β: (N,)

Training mode: μ and σ² are the mean and (biased, 1/B) variance of each feature over the batch,
σ = √(σ² + ε). Each forward also updates running estimates for later use,

    running_mean ← (1 − m)·running_mean + m·μ
    running_var  ← (1 − m)·running_var  + m·σ²·B/(B − 1)       (unbiased variance, as torch)

Evaluation mode: μ and σ² are the running estimates, so each row is normalised on its own and the
layer is a fixed affine map of x.
"""

from __future__ import annotations

import math
import numbers

import torch

from . import _validate
from .layer import Layer


class BatchNorm1d(Layer):
    """torch.nn.BatchNorm1d for (B, N) inputs, with a hand-written backward.

    Args:
        num_features: N, the width of each row.
        eps: ε > 0 added to the variance before the square root (1e-5 by default).
        momentum: m in [0, 1], the weight of the newest batch in the running estimates (0.1).
        dtype, device: of every tensor the layer holds.

    Attributes:
        gamma, beta: (N,) parameters, ones and zeros; ``dgamma``, ``dbeta`` their gradients.
        running_mean, running_var: (N,) buffers, zeros and ones; not parameters (not learned).

    Cost: forward ≈ 7·B·N FLOPs in training mode (mean, variance, normalise, scale and shift),
    ≈ 4·B·N in evaluation mode; backward ≈ 7·B·N in training mode, 4·B·N in evaluation mode.
    Memory: forward keeps x̂ (B, N) and 1/σ (N,) for backward.
    """

    param_names = ("gamma", "beta")
    _updated_in_place = ("running_mean", "running_var")  # buffers: a Snapshot copies them

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        *,
        dtype: torch.dtype | None = None,
        device: torch.device | str | None = None,
    ) -> None:
        if isinstance(num_features, bool) or not isinstance(num_features, int) or num_features < 1:
            raise ValueError(
                f"BatchNorm1d: num_features must be a positive int, got {num_features!r}"
            )
        for name, value, ok, expected in (
            ("eps", eps, lambda v: v > 0.0, "a number > 0"),
            ("momentum", momentum, lambda v: 0.0 <= v <= 1.0, "in [0, 1]"),
        ):
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not math.isfinite(value)
                or not ok(value)
            ):
                raise ValueError(f"BatchNorm1d: {name} must be {expected}, got {value!r}")
        device = _validate.device(device, "BatchNorm1d")
        self.eps, self.momentum = float(eps), float(momentum)
        dtype = dtype or torch.get_default_dtype()
        self.gamma = torch.ones(num_features, dtype=dtype, device=device)
        self.beta = torch.zeros(num_features, dtype=dtype, device=device)
        self.running_mean = torch.zeros(num_features, dtype=dtype, device=device)
        self.running_var = torch.ones(num_features, dtype=dtype, device=device)
        self.dgamma: torch.Tensor | None = None
        self.dbeta: torch.Tensor | None = None
        self._xhat: torch.Tensor | None = None  # (B, N): both gradients and dx are built from it
        self._inv_std: torch.Tensor | None = None  # (N,): 1/σ of the statistics forward used
        self._batch_stats = True  # did forward normalise with batch statistics?

    @property
    def num_features(self) -> int:
        return self.gamma.shape[0]

    @property
    def in_width(self) -> int:
        return self.num_features  # forward takes (B, N) batches

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, N) -> y: (B, N).  Cost: O(B·N); training mode also updates the running stats."""
        self._batch_stats = self.training  # backward's formula depends on it
        if self.training:
            B = x.shape[0]
            if B < 2:
                raise ValueError(
                    "BatchNorm1d.forward(x): training mode needs a batch of at least 2 rows to "
                    f"estimate a variance, got B={B} (use eval() for single rows)"
                )
            mean = x.mean(dim=0)  # (N,)
            centred = x - mean  # (B, N)
            var = (centred * centred).mean(dim=0)  # (N,), biased: divides by B, as x̂ does
            self._inv_std = (var + self.eps).rsqrt()  # (N,), 1/σ
            self._xhat = centred * self._inv_std  # (B, N): x̂ = (x − μ)/σ
            m = self.momentum
            # In place: whoever holds the running statistics sees them move.
            self.running_mean.lerp_(mean, m)  # r + m·(μ − r) = (1 − m)·r + m·μ
            self.running_var.lerp_(var * (B / (B - 1)), m)  # the unbiased variance
        else:  # the running estimates: each row is normalised on its own
            self._inv_std = (self.running_var + self.eps).rsqrt()
            self._xhat = (x - self.running_mean) * self._inv_std
        return torch.addcmul(self.beta, self._xhat, self.gamma)  # γ·x̂ + β in one pass

    def _backward(self, dout: torch.Tensor) -> torch.Tensor:
        """dout = dL/dy: (B, N) -> dL/dx: (B, N); also sets ``dgamma`` and ``dbeta`` (N,).

            dL/dβ = Σ_i dout                        (N,)
            dL/dγ = Σ_i dout·x̂                      (N,)

        Evaluation mode: μ and σ are constants, so dL/dx = dout·γ/σ.

        Training mode: μ and σ depend on every row of the batch. With dx̂ = γ·dout, the chain rule
        through x̂ = (x − μ)/σ, μ = (1/B)Σx and σ² = (1/B)Σ(x − μ)² gives three terms,

            dL/dx = dx̂/σ  −  (1/B)·Σ_i dx̂/σ  −  (1/B)·x̂·Σ_i(dx̂·x̂)/σ
                    direct     through μ          through σ   (the μ-path of σ² sums to 0)

        that is  dL/dx = (1 / (B·σ))·(B·dx̂ − Σ_i dx̂ − x̂·Σ_i(dx̂·x̂)).  Since Σ dx̂ = γ·dL/dβ and
        Σ dx̂·x̂ = γ·dL/dγ, the two sums are already computed:

            dL/dx = (γ / (B·σ)) · (B·dout − dL/dβ − x̂·dL/dγ)

        Cost: ≈ 7·B·N FLOPs (4·B·N in evaluation mode). The code is the formula as written, five
        passes over (B, N); benchmarks/bench_fused.py measures a fused form in two passes.
        """
        xhat = self._xhat
        self.dbeta = dout.sum(dim=0)  # (N,)
        self.dgamma = (dout * xhat).sum(dim=0)  # (N,)
        if not self._batch_stats:
            return dout * (self.gamma * self._inv_std)  # μ and σ constants: a diagonal Jacobian
        B = xhat.shape[0]
        return (self.gamma * self._inv_std / B) * (B * dout - self.dbeta - xhat * self.dgamma)

    def __repr__(self) -> str:
        return (
            f"BatchNorm1d({self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"dtype={self.gamma.dtype})"
        )
