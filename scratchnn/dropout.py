"""Inverted dropout: in training, zero each entry with probability p and scale the rest up.

    training:    mask ~ Bernoulli(1 − p), one draw per entry;   y = x · mask / (1 − p)
    evaluation:  y = x

Scaling the kept entries at training time ("inverted" dropout) makes E[y] = x exactly, so the
network needs no change at all at test time.
"""

from __future__ import annotations

import numbers

import torch

from .layer import Layer


class Dropout(Layer):
    """Inverted dropout with rate p.

    Args:
        p: the probability of zeroing an entry, in [0, 1) (0.5 by default). p = 0 is the identity.
        generator: seeds the masks; the same seed gives the same sequence of masks. The masks are
            drawn on the generator's device (the input's device if none) and then moved.

    Shapes: x of any shape, e.g. (B, N) -> same shape.
    Cost: training forward ≈ 3 operations per entry (draw, compare, scale) and backward 1 multiply
    per entry, O(B·N); evaluation costs nothing.
    Memory: forward keeps the scaled mask (entries 0 or 1/(1 − p)), the size of x, for backward.
    """

    _updated_in_place = ("generator",)  # every draw advances it: a failed call puts it back

    def __init__(self, p: float = 0.5, *, generator: torch.Generator | None = None) -> None:
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout: p must be a number in [0, 1), got {p!r}")
        self.p = float(p)
        self.generator = generator
        self._scaled_mask: torch.Tensor | None = None  # mask/(1 − p); None: forward was identity

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        """x -> x·mask/(1 − p) in training mode, x itself in evaluation mode (or for p = 0)."""
        if not self.training or self.p == 0.0:
            self._scaled_mask = None
            return x
        keep = 1.0 - self.p
        device = self.generator.device if self.generator is not None else x.device
        u = torch.rand(x.shape, generator=self.generator, dtype=x.dtype, device=device)
        mask = (u < keep).to(device=x.device, dtype=x.dtype)  # P(u < keep) = 1 − p
        # 1/(1 − p) is applied to the 0/1 mask once, so forward and backward each cost one
        # multiply per entry and backward multiplies by exactly what forward did.
        self._scaled_mask = mask / keep
        return x * self._scaled_mask

    def _backward(self, dout: torch.Tensor) -> torch.Tensor:
        """dout -> dout·mask/(1 − p), the same mask as the last forward (dout in evaluation mode).

        y = x·s with a constant s (the scaled mask), so dL/dx = dL/dy·s, entry by entry.
        Cost: one multiply per entry.
        """
        return dout if self._scaled_mask is None else dout * self._scaled_mask

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"
