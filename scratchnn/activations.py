"""The seven activation functions, each a forward and a hand-derived backward.

All are element-wise: ``x`` of any shape, e.g. (B, N), gives ``y`` of the same shape, and
``backward(dout)`` returns ``dout · f'(x)``. Cost: O(B·N) each way, a few FLOPs per element.

Each class caches in ``forward`` exactly what its derivative needs (the input, the output, or a
mask) and nothing more. Every formula is written to stay finite at ±1000 and at ±inf where the
math is finite, and gives the limit there (GELU(−inf) = 0, GELU′(+inf) = 1): see the comments on
``sigmoid``, ``ELU``, ``GELU`` and ``Swish``.
"""

from __future__ import annotations

import math

import torch

from .layer import Layer


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """σ(x) = 1 / (1 + e^{-x}) without ever overflowing.

    e^{-x} overflows for x < -709 in float64 (-88 in float32). With e = e^{−``|x|``} ∈ (0, 1],
    σ(x) = 1/(1+e) for x ≥ 0 and e/(1+e) for x < 0: the same value, and no exp of a large number.
    """
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class Activation(Layer):
    """An element-wise function: ``_forward`` computes f(x) and caches what f' needs,
    ``_backward`` returns dout · f'(x). ``Layer`` checks the input, checks dout against what
    forward returned, and keeps a failed call from changing anything."""

    label: str = ""  # the name the book, its tables and its explorers print: "Leaky ReLU"


class Sigmoid(Activation):
    """σ(x) = 1/(1 + e^{-x}), range (0, 1).   σ'(x) = σ(x)(1 − σ(x)) ≤ 1/4."""

    label = "sigmoid"

    def _forward(self, x):
        self._s = sigmoid(x)  # the derivative is a function of the output alone
        return self._s

    def _backward(self, dout):
        return dout * self._s * (1.0 - self._s)


class Tanh(Activation):
    """tanh(x), range (−1, 1).   tanh'(x) = 1 − tanh²(x) ≤ 1.

    Written as (e^x − e^{-x})/(e^x + e^{-x}) it would give inf/inf = NaN at ``|x|`` > 710;
    ``torch.tanh`` is the stable primitive.
    """

    label = "tanh"

    def _forward(self, x):
        self._t = torch.tanh(x)
        return self._t

    def _backward(self, dout):
        return dout * (1.0 - self._t * self._t)


class ReLU(Activation):
    """max(0, x), range [0, ∞).   ReLU'(x) = 1 if x > 0 else 0 (0 at the kink, as torch).

    ``x * (x > 0)`` would give −inf·0 = NaN at x = −inf; ``clamp`` has no such product. The
    derivative is 1 exactly where the output y is positive, so sign(y) *is* the 0/1 mask, already
    as floats, and backward is one product. (Chapter 2 times it against the bool mask the article
    caches: which is faster depends on the machine.)
    """

    label = "ReLU"

    def _forward(self, x):
        self._y = x.clamp(min=0.0)  # the output alone determines the derivative
        return self._y

    def _backward(self, dout):
        return dout * self._y.sign()


class LeakyReLU(Activation):
    """x if x > 0 else α·x, range (−∞, ∞).   Derivative 1 or α (α at the kink, as torch)."""

    label = "Leaky ReLU"

    def __init__(self, alpha: float = 0.01) -> None:
        if not (isinstance(alpha, (int, float)) and 0.0 <= alpha < 1.0):
            raise ValueError(f"LeakyReLU: alpha must be a number in [0, 1), got {alpha!r}")
        self.alpha = float(alpha)

    def _forward(self, x):
        self._mask = x > 0
        return torch.where(self._mask, x, self.alpha * x)

    def _backward(self, dout):
        return torch.where(self._mask, dout, self.alpha * dout)

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"


class ELU(Activation):
    """x if x > 0 else α(e^x − 1), range (−α, ∞).   Derivative 1 or α·e^x (= f(x) + α).

    ``expm1`` keeps e^x − 1 accurate for small ``|x|``; clamping at 0 keeps e^x from overflowing in
    the branch that ``where`` throws away. The derivative uses α·e^x rather than f(x) + α, which
    would cancel catastrophically for very negative x.
    """

    label = "ELU"

    def __init__(self, alpha: float = 1.0) -> None:
        if not (isinstance(alpha, (int, float)) and alpha > 0.0):
            raise ValueError(f"ELU: alpha must be a positive number, got {alpha!r}")
        self.alpha = float(alpha)

    def _forward(self, x):
        self._x = x
        return torch.where(x > 0, x, self.alpha * torch.expm1(x.clamp(max=0.0)))

    def _backward(self, dout):
        x = self._x
        return torch.where(x > 0, dout, dout * self.alpha * torch.exp(x.clamp(max=0.0)))

    def __repr__(self) -> str:
        return f"ELU(alpha={self.alpha})"


class GELU(Activation):
    """GELU, tanh approximation: ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³).

    Range ≈ [−0.17, ∞) (its minimum, near x = −0.75, is computed in the book).
    Derivative: ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²).

    Far from 0, tanh u rounds to exactly ±1 (``|x|`` > 5.2 in float32, 7.2 in float64) and the
    formulas meet 0·∞: x·(1 + tanh u) = −inf·0 at x = −inf, and in the derivative
    x·(1 − tanh²u)·du/dx = 0·∞ once x² overflows (``|x|`` > 1e154 in float64, 2e19 in float32). Each
    such product tends to 0 (e^{−2u} beats any power of x), so it is set to 0 there: GELU(−inf) = 0,
    GELU′(−inf) = 0 and GELU′(+inf) = 1, and nothing changes anywhere else.
    """

    label = "GELU"

    _C = math.sqrt(2.0 / math.pi)
    _K = 0.044715

    def _forward(self, x):
        self._x = x
        self._t = torch.tanh(self._C * (x + self._K * x * x * x))
        y = 0.5 * x * (1.0 + self._t)
        return torch.where(x == -math.inf, 0.0, y)  # −inf·0 is NaN; the limit is 0

    def _backward(self, dout):
        x, t = self._x, self._t  # reuse tanh u from forward: no second tanh
        du_dx = self._C * (1.0 + 3.0 * self._K * x * x)
        tail = 0.5 * x * (1.0 - t * t) * du_dx  # 0·∞ = NaN where |tanh u| = 1 and x² = inf
        tail = torch.where(t.abs() < 1.0, tail, 0.0)
        return dout * (0.5 * (1.0 + t) + tail)


class Swish(Activation):
    """Swish / SiLU: x·σ(x), range ≈ [−0.28, ∞).   Derivative σ(x)(1 + x(1 − σ(x))).

    At x = ±inf the products meet 0·∞ (x·σ(x) at −inf, x(1 − σ(x)) at +inf); their limits are 0,
    so Swish(−inf) = 0, Swish′(−inf) = 0 and Swish′(+inf) = 1. For finite x, σ(x) rounds to exactly
    0 or 1 long before x overflows, and the formulas are already exact.
    """

    label = "Swish"

    def _forward(self, x):
        self._x = x
        self._s = sigmoid(x)
        return torch.where(x == -math.inf, 0.0, x * self._s)  # −inf·0 is NaN; the limit is 0

    def _backward(self, dout):
        x, s = self._x, self._s
        # At ±inf, f′ → 1 (+inf) or 0 (−inf): that is the mask x > 0.
        return torch.where(x.isinf(), dout * (x > 0), dout * s * (1.0 + x * (1.0 - s)))


# The registry: every activation the library offers, under the name MLP and get_activation take.
# The book's tables and grids, the explorers and the tests all iterate over it: adding an
# activation here (with its class above) is all the library needs (see CONTRIBUTING.md).
ACTIVATIONS: dict[str, type[Activation]] = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky": LeakyReLU,
    "elu": ELU,
    "gelu": GELU,
    "swish": Swish,
}


def get_activation(name: str) -> type[Activation]:
    """The activation class registered under ``name``; a ValueError lists the valid names."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; expected one of {valid}") from None
