"""Loss functions: ``forward(pred, target)`` gives a 0-dim loss, ``backward()`` gives dL/dpred.

Conventions, the same for every loss here:

- **Reduction is a mean**, and forward and backward use the same one. The element-wise losses
  (MSE, MAE, Huber, BCE, BCE-with-logits) average over *all* B·N elements of ``pred`` whatever its
  shape, (B,), (B, 1) or (B, N); so their gradients carry a factor 1/(B·N). Softmax cross-entropy
  averages over the B rows (each row is one sample's K logits), so its gradient carries 1/B.
- ``backward()`` returns a tensor of ``pred``'s shape and dtype; call it after ``forward``.
- A forward that raises changes nothing: the next ``backward()`` is still the previous batch's.
- ``BCELoss`` takes probabilities in [0, 1]; ``BCEWithLogitsLoss`` and ``SoftmaxCELoss`` take
  logits (any real numbers). ``SoftmaxCELoss`` takes integer class labels, not one-hot rows.

Cost: O(B·N) forward and backward for every loss (O(B·K) for softmax cross-entropy).
"""

from __future__ import annotations

import math

import torch

from . import _validate
from .activations import sigmoid
from .layer import Snapshot


class Loss:
    """The loss interface: ``forward(pred, target) -> 0-dim tensor``, ``backward() -> dL/dpred``.

    A subclass writes ``_check(pred, target)`` (what its inputs must be) and the math,
    ``_forward`` and ``_backward``. Here, once: the checks run first, a ``_forward`` that raises
    changes nothing (a ``Snapshot`` is put back), and backward before forward is a clear error.
    """

    _ready = False  # has a forward finished?

    def __call__(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.forward(pred, target)

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """pred, target -> 0-dim loss; caches what backward needs."""
        self._check(pred, target)
        before = Snapshot(self)
        try:
            loss = self._forward(pred, target)
        except BaseException:
            before.restore()
            raise
        self._ready = True
        return loss

    def backward(self) -> torch.Tensor:
        """-> dL/dpred, pred's shape and dtype."""
        if not self._ready:
            raise RuntimeError(f"{type(self).__name__}.backward() called before forward()")
        return self._backward()

    def _check(self, pred: torch.Tensor, target: torch.Tensor) -> None:
        raise NotImplementedError

    def _forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _backward(self) -> torch.Tensor:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ElementwiseLoss(Loss):
    """L = (1/(B·N)) Σ ℓ(pred, target) over every element; dL/dpred = ℓ'(pred, target)/(B·N).

    Subclasses give ``_loss(pred, target)``, the per-element ℓ (caching what ℓ' needs), and
    ``_grad(scale)``, ℓ' times ``scale`` = 1/(B·N) (folding the scale in saves a pass).
    """

    def _check(self, pred: torch.Tensor, target: torch.Tensor) -> None:
        """pred, target: floating-point tensors of one shape, e.g. (B, N), dtype and device."""
        name = type(self).__name__
        pred = _validate.float_tensor(pred, f"{name}.forward(pred)")
        target = _validate.float_tensor(target, f"{name}.forward(target)")
        _validate.nonempty_batch(pred, f"{name}.forward(pred)")
        _validate.same_shape(target, pred.shape, f"{name}.forward(target), pred's shape,")
        _validate.same_dtype(target, pred.dtype, f"{name}.forward(target), pred's dtype,")
        _validate.same_device(target, pred.device, f"{name}.forward(target), pred's device,")
        self._check_values(pred, target)

    def _forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """pred, target: same shape, e.g. (B, N) -> 0-dim loss.  Cost: O(B·N)."""
        self._n = pred.numel()
        return self._loss(pred, target).mean()

    def _backward(self) -> torch.Tensor:
        """-> dL/dpred, pred's shape.  Cost: O(B·N)."""
        return self._grad(1.0 / self._n)

    def _check_values(self, pred: torch.Tensor, target: torch.Tensor) -> None:
        """Extra checks on values (ranges); nothing by default."""

    def _loss(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _grad(self, scale: float) -> torch.Tensor:
        raise NotImplementedError


def _check_unit_interval(t: torch.Tensor, what: str) -> None:
    # Written so that NaN fails too (every comparison with NaN is False).
    if not bool(((t >= 0) & (t <= 1)).all()):
        raise ValueError(
            f"{what}: expected values in [0, 1], got min {t.min().item():.4g}, "
            f"max {t.max().item():.4g}"
        )


class MSELoss(ElementwiseLoss):
    """Mean squared error.  ℓ = ε², ε = pred − target;  dL/dpred = 2ε/(B·N)."""

    def _loss(self, pred, target):
        self._diff = pred - target
        return self._diff * self._diff

    def _grad(self, scale):
        return self._diff * (2.0 * scale)


class MAELoss(ElementwiseLoss):
    """Mean absolute error (L1).  ℓ = ``|ε|``;  dL/dpred = sign(ε)/(B·N).

    At ε = 0 the gradient is 0: sign(0), a subgradient (torch gives the same).
    """

    def _loss(self, pred, target):
        self._diff = pred - target
        return self._diff.abs()

    def _grad(self, scale):
        return self._diff.sign() * scale


class HuberLoss(ElementwiseLoss):
    """Huber: ℓ = ½ε² for ``|ε| ≤ δ``, ``δ(|ε| − ½δ)`` beyond;  dℓ/dε = ε, or δ·sign(ε) beyond δ.

    Matches ``torch.nn.HuberLoss(delta=δ)`` (not SmoothL1Loss, which divides by δ).
    """

    def __init__(self, delta: float = 1.0) -> None:
        if not (isinstance(delta, (int, float)) and delta > 0):
            raise ValueError(f"HuberLoss: delta must be a positive number, got {delta!r}")
        self.delta = float(delta)

    def _loss(self, pred, target):
        self._diff = d = pred - target
        abs_d = d.abs()
        return torch.where(
            abs_d <= self.delta, 0.5 * d * d, self.delta * (abs_d - 0.5 * self.delta)
        )

    def _grad(self, scale):
        # clamp(ε, −δ, δ) is exactly "ε inside, δ·sign(ε) outside" in one kernel.
        return self._diff.clamp(-self.delta, self.delta) * scale

    def __repr__(self) -> str:
        return f"HuberLoss(delta={self.delta})"


class BCELoss(ElementwiseLoss):
    """Binary cross-entropy on probabilities p ∈ [0, 1] (the output of a sigmoid).

        ℓ = −[y·log p + (1 − y)·log(1 − p)]        dℓ/dp = (p − y) / (p(1 − p))

    At p = 0 or 1 the math has log 0 = −inf. Like ``torch.nn.BCELoss``, each log is clamped at
    −100 (so ℓ ≤ 100) and p(1 − p) at 1e-12 in the gradient: finite, and exact everywhere else.
    Prefer ``BCEWithLogitsLoss``: it never needs either clamp.
    """

    LOG_MIN = -100.0
    DENOM_MIN = 1e-12

    def _check_values(self, pred, target):
        _check_unit_interval(pred, "BCELoss.forward(pred) (probabilities)")
        _check_unit_interval(target, "BCELoss.forward(target)")

    def _loss(self, pred, target):
        self._p, self._y = pred, target
        log_p = torch.log(pred).clamp(min=self.LOG_MIN)
        log_1mp = torch.log1p(-pred).clamp(min=self.LOG_MIN)  # clamp first: 0·(−inf) would be NaN
        return -(target * log_p + (1.0 - target) * log_1mp)

    def _grad(self, scale):
        p, y = self._p, self._y
        return (p - y) / (p * (1.0 - p)).clamp(min=self.DENOM_MIN) * scale


class BCEWithLogitsLoss(ElementwiseLoss):
    """Binary cross-entropy on logits z (before the sigmoid): stable for any z, ±inf included.

        ℓ = max(z, 0) − z·y + log(1 + e^{−|z|})     (= BCE(σ(z), y), rearranged)
        dℓ/dz = σ(z) − y

    e^{−|z|} ≤ 1, so nothing overflows; log1p keeps the last term accurate when it is tiny.
    At z = ±inf the first two terms are inf − inf; their limit, (1 − y)·max(z, 0) + y·max(−z, 0),
    is 0 for a right answer (z = +inf with y = 1, z = −inf with y = 0) and +inf otherwise. The
    gradient needs no such care: σ(±inf) is exactly 1 or 0, so dℓ/dz = 1 − y or −y, finite.
    """

    def _check_values(self, pred, target):
        _check_unit_interval(target, "BCEWithLogitsLoss.forward(target)")

    def _loss(self, pred, target):
        self._z, self._y = pred, target
        loss = pred.clamp(min=0) - pred * target + torch.log1p(torch.exp(-pred.abs()))
        wrong = torch.where(pred > 0, target < 1, target > 0)  # y ≠ 1 at +inf, y ≠ 0 at −inf
        at_infinity = torch.where(wrong, math.inf, 0.0).to(loss.dtype)
        return torch.where(pred.isinf(), at_infinity, loss)

    def _grad(self, scale):
        return (sigmoid(self._z) - self._y) * scale


def log_softmax(z: torch.Tensor) -> torch.Tensor:
    """log pₖ = zₖ − log Σⱼ e^{zⱼ} for z: (B, K), row by row, by the log-sum-exp trick.

    Subtracting the row maximum first makes every exponent ≤ 0, so e^{·} ≤ 1 never overflows,
    and the log is taken of a sum ≥ 1, never of an underflowed probability. A logit of +inf is
    the row maximum, and inf − inf would be NaN; the maximum minus itself is 0 however large, so
    it is set to 0: a row with one +inf logit puts probability 1 there, its limit.
    """
    zmax = z.amax(dim=1, keepdim=True)
    shifted = torch.where(z.isposinf(), 0.0, z - zmax)
    return shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))


class SoftmaxCELoss(Loss):
    """Softmax followed by cross-entropy, fused.

    forward(logits: (B, K) float, labels: (B,) integer in [0, K)) -> 0-dim mean over B of
    −log softmax(logits)[label].   backward() -> (p − onehot(label)) / B, shape (B, K).
    """

    def _check(self, logits: torch.Tensor, labels: torch.Tensor) -> None:
        """logits: (B, K) floating point; labels: (B,) integers in [0, K), on logits' device."""
        logits = _validate.float_tensor(logits, "SoftmaxCELoss.forward(logits)")
        if logits.ndim != 2:
            raise ValueError(
                f"SoftmaxCELoss.forward(logits): expected shape (B, K), got {tuple(logits.shape)}"
            )
        _validate.nonempty_batch(logits, "SoftmaxCELoss.forward(logits)")
        B, K = logits.shape
        if not isinstance(labels, torch.Tensor):
            raise TypeError(
                "SoftmaxCELoss.forward(labels): expected a torch.Tensor, "
                f"got {type(labels).__name__}"
            )
        if labels.is_floating_point() or labels.is_complex() or labels.dtype == torch.bool:
            raise TypeError(
                "SoftmaxCELoss.forward(labels): expected integer class labels (e.g. torch.int64), "
                f"got dtype {labels.dtype}"
            )
        _validate.same_shape(labels, torch.Size((B,)), "SoftmaxCELoss.forward(labels)")
        _validate.same_device(
            labels, logits.device, "SoftmaxCELoss.forward(labels), logits' device,"
        )
        low, high = (int(bound) for bound in torch.aminmax(labels))  # one pass for both bounds
        if low < 0 or high >= K:
            raise ValueError(
                f"SoftmaxCELoss.forward(labels): expected labels in [0, {K - 1}], got min "
                f"{low}, max {high}"
            )

    def _forward(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """logits: (B, K), labels: (B,) -> 0-dim.  Cost: O(B·K)."""
        log_p = log_softmax(logits)  # (B, K)
        self._probs, self._labels = torch.exp(log_p), labels
        column = labels.unsqueeze(1)  # (B, 1): where each row's label sits
        return -log_p.gather(1, column).mean()  # log p[b, label_b], row by row

    def _backward(self) -> torch.Tensor:
        """-> dL/dlogits = (p − y)/B, shape (B, K).  Cost: O(B·K)."""
        B = self._probs.shape[0]
        column = self._labels.unsqueeze(1)  # (B, 1)
        minus_one = torch.full(column.shape, -1.0, dtype=self._probs.dtype, device=column.device)
        grad = self._probs.scatter_add(1, column, minus_one)  # p − onehot(y): −1 at each label
        return grad / B

    @property
    def probs(self) -> torch.Tensor:
        """The softmax of the last forward's logits, (B, K); each row sums to 1."""
        if not self._ready:
            raise RuntimeError("SoftmaxCELoss.probs read before forward()")
        return self._probs
