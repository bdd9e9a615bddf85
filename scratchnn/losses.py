"""Loss functions: ``forward(pred, target)`` gives a 0-dim loss, ``backward()`` gives dL/dpred.

Conventions, the same for every loss here:

- **Reduction is a mean**, and forward and backward use the same one. The element-wise losses
  (MSE, MAE, Huber, BCE, BCE-with-logits) average over *all* B·N elements of ``pred`` whatever its
  shape, (B,), (B, 1) or (B, N); so their gradients carry a factor 1/(B·N). Softmax cross-entropy
  averages over the B rows (each row is one sample's K logits), so its gradient carries 1/B.
- ``backward()`` returns a tensor of ``pred``'s shape and dtype; call it after ``forward``.
- ``BCELoss`` takes probabilities in [0, 1]; ``BCEWithLogitsLoss`` and ``SoftmaxCELoss`` take
  logits (any real numbers). ``SoftmaxCELoss`` takes integer class labels, not one-hot rows.

Cost: O(B·N) forward and backward for every loss (O(B·K) for softmax cross-entropy).
"""

from __future__ import annotations

import torch

from . import _checks
from .activations import sigmoid


class Loss:
    """The loss interface: ``forward(pred, target) -> 0-dim tensor``, ``backward() -> dL/dpred``."""

    def __call__(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.forward(pred, target)

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def backward(self) -> torch.Tensor:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ElementwiseLoss(Loss):
    """L = (1/(B·N)) Σ ℓ(pred, target) over every element; dL/dpred = ℓ'(pred, target)/(B·N).

    Subclasses give ``_loss(pred, target)``, the per-element ℓ (caching what ℓ' needs), and
    ``_grad(scale)``, ℓ' times ``scale`` = 1/(B·N) (folding the scale in saves a pass).
    """

    _n: int | None = None

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """pred, target: same shape, e.g. (B, N) -> 0-dim loss.  Cost: O(B·N)."""
        name = type(self).__name__
        pred = _checks.float_tensor(pred, f"{name}.forward(pred)")
        target = _checks.float_tensor(target, f"{name}.forward(target)")
        _checks.same_shape(target, pred.shape, f"{name}.forward(target), pred's shape,")
        _checks.same_dtype(target, pred.dtype, f"{name}.forward(target), pred's dtype,")
        self._validate(pred, target)
        # Only now, with every check passed, is any state written.
        self._n, self._shape = pred.numel(), pred.shape
        return self._loss(pred, target).mean()

    def backward(self) -> torch.Tensor:
        """-> dL/dpred, pred's shape.  Cost: O(B·N)."""
        if self._n is None:
            raise RuntimeError(f"{type(self).__name__}.backward() called before forward()")
        return self._grad(1.0 / self._n)

    def _validate(self, pred: torch.Tensor, target: torch.Tensor) -> None:
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
    """Mean absolute error (L1).  ℓ = |ε|;  dL/dpred = sign(ε)/(B·N), 0 at ε = 0 (a subgradient)."""

    def _loss(self, pred, target):
        self._diff = pred - target
        return self._diff.abs()

    def _grad(self, scale):
        return self._diff.sign() * scale


class HuberLoss(ElementwiseLoss):
    """Huber: ℓ = ½ε² for |ε| ≤ δ, δ(|ε| − ½δ) beyond;  dℓ/dε = ε, or δ·sign(ε) beyond δ.

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

    def _validate(self, pred, target):
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
    """Binary cross-entropy on logits z (before the sigmoid): stable for any z.

        ℓ = max(z, 0) − z·y + log(1 + e^{−|z|})     (= BCE(σ(z), y), rearranged)
        dℓ/dz = σ(z) − y

    e^{−|z|} ≤ 1, so nothing overflows; log1p keeps the last term accurate when it is tiny.
    """

    def _validate(self, pred, target):
        _check_unit_interval(target, "BCEWithLogitsLoss.forward(target)")

    def _loss(self, pred, target):
        self._z, self._y = pred, target
        return pred.clamp(min=0) - pred * target + torch.log1p(torch.exp(-pred.abs()))

    def _grad(self, scale):
        return (sigmoid(self._z) - self._y) * scale


def log_softmax(z: torch.Tensor) -> torch.Tensor:
    """log pₖ = zₖ − log Σⱼ e^{zⱼ} for z: (B, K), row by row, by the log-sum-exp trick.

    Subtracting the row maximum first makes every exponent ≤ 0, so e^{·} ≤ 1 never overflows,
    and the log is taken of a sum ≥ 1, never of an underflowed probability.
    """
    shifted = z - z.amax(dim=1, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))


class SoftmaxCELoss(Loss):
    """Softmax followed by cross-entropy, fused.

    forward(logits: (B, K) float, labels: (B,) integer in [0, K)) -> 0-dim mean over B of
    −log softmax(logits)[label].   backward() -> (p − onehot(label)) / B, shape (B, K).
    """

    _probs: torch.Tensor | None = None

    def forward(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """logits: (B, K), labels: (B,) -> 0-dim.  Cost: O(B·K)."""
        logits = _checks.float_tensor(logits, "SoftmaxCELoss.forward(logits)")
        if logits.ndim != 2:
            raise ValueError(
                f"SoftmaxCELoss.forward(logits): expected shape (B, K), got {tuple(logits.shape)}"
            )
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
        _checks.same_shape(labels, torch.Size((B,)), "SoftmaxCELoss.forward(labels)")
        if B > 0 and (labels.min() < 0 or labels.max() >= K):
            raise ValueError(
                f"SoftmaxCELoss.forward(labels): expected labels in [0, {K - 1}], got min "
                f"{labels.min().item()}, max {labels.max().item()}"
            )
        log_p = log_softmax(logits)  # (B, K)
        self._probs, self._labels = torch.exp(log_p), labels
        rows = torch.arange(B, device=logits.device)
        return -log_p[rows, labels].mean()

    def backward(self) -> torch.Tensor:
        """-> dL/dlogits = (p − y)/B, shape (B, K).  Cost: O(B·K)."""
        if self._probs is None:
            raise RuntimeError("SoftmaxCELoss.backward() called before forward()")
        B = self._probs.shape[0]
        grad = self._probs.clone()
        grad[torch.arange(B, device=grad.device), self._labels] -= 1.0  # p − onehot(y)
        return grad / B

    @property
    def probs(self) -> torch.Tensor:
        """softmax(logits) from the last forward: (B, K), rows sum to 1."""
        if self._probs is None:
            raise RuntimeError("SoftmaxCELoss.probs read before forward()")
        return self._probs
