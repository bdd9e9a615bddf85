"""The verdict of the checker: the tolerance that knows the rounding noise of central differences
(``_passes``, ``_rounding_floor``, ``_resolution``) and the message (``_report``, ``Diagnosis``).

See checker.py's docstring for the rule a gradient must pass.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import torch

from scratchnn.checks.numerical import numerical_gradient, relative_error

from .mistakes import Evidence, classify


@dataclasses.dataclass(frozen=True)
class Diagnosis:
    """The verdict. ``str(diagnosis)`` is ``message``.

    ok: every gradient agrees with central differences to ``tol``.
    max_error: the largest relative error (inf if some gradient has the wrong shape or is missing).
    per_tensor: relative error per gradient, named as ``gradient_errors`` does ('x', 'layers.0.W').
    mistake: the ``MISTAKES`` key of the first wrong gradient (None if ok or nothing matched).
    tensor: the name of that gradient (None if ok).
    mistakes: {name: key or None} for every wrong gradient.
    message: a teaching hint, one line per wrong gradient, identical on every run.
    """

    ok: bool
    max_error: float
    per_tensor: dict[str, float]
    mistake: str | None
    tensor: str | None
    mistakes: dict[str, str | None] = dataclasses.field(default_factory=dict)
    message: str = ""

    def __str__(self) -> str:
        return self.message


def _error(a: object, n: torch.Tensor) -> float:
    if not torch.is_tensor(a) or a.shape != n.shape:
        return float("inf")
    return relative_error(a.detach().to(torch.float64), n)


# A gradient may differ from central differences by this many times their estimated error before
# it is called wrong (tests/course/test_diagnosis.py: no correct layer or loss is flagged at
# B = 2 … 64).
NOISE_FACTOR = 4.0


def _rounding_floor(f_scale: float, numeric: dict, values: dict, eps: float) -> float:
    """The absolute error central differences make from float64 rounding, estimated from outside.

    f_scale: Σ|terms| of the scalar f. numeric, values: {name: ∂f/∂θ} and {name: θ}.
    Noise in f ≈ u·(f_scale + Σ|∂f/∂θ|·|θ|); the central difference divides it by eps.
    """
    u = torch.finfo(torch.float64).eps
    through_inputs = sum((numeric[k].abs() * values[k].abs()).sum().item() for k in numeric)
    return NOISE_FACTOR * u * (f_scale + through_inputs) / eps


def _resolution(
    f: Callable[[], float], t: torch.Tensor, numeric: torch.Tensor, eps: float
) -> float:
    """The error of the central differences ``numeric`` of f in t, measured: a second set at step
    2·eps differs from the first by their rounding noise and truncation error. Cost: 2·t.numel() f.
    """
    coarse = numerical_gradient(f, t, 2 * eps)
    return NOISE_FACTOR * (numeric - coarse).abs().max().item()


def _passes(a: object, n: torch.Tensor, tol: float, floor: Callable[[], float]) -> bool:
    """max|a − n| ≤ tol·scale + floor(): agreement to ``tol``, or within what the check resolves.

    ``floor`` is called only for a gradient that fails the relative test (it may be costly).
    """
    err = _error(a, n)
    if err < tol:
        return True
    if err == float("inf") or not bool(torch.isfinite(a).all()):
        return False
    return (a.detach().to(torch.float64) - n).abs().max().item() <= floor()


def _label(name: str, loss: bool) -> str:
    """'x' -> 'dx' ('dpred' for a loss), 'W' -> 'dW', 'layers.0.W' -> 'layers.0.dW'."""
    head, _, last = name.rpartition(".")
    last = "pred" if loss and name == "x" else last
    return f"{head}.d{last}" if head else f"d{last}"


def _is_square(t: object) -> bool:
    return torch.is_tensor(t) and t.ndim == 2 and t.shape[0] == t.shape[1]


def _batch_sizes(x: torch.Tensor, out: torch.Tensor, loss: bool) -> tuple[int, int]:
    """B, the batch (x's first axis), and N, the elements per row of pred (loss) or output."""
    B = x.shape[0] if x.ndim else 1
    per_row = (x if loss or out.ndim == 0 else out).numel()
    return B, max(per_row // max(B, 1), 1)


def _report(
    name,
    analytic,
    numeric,
    evidence: Callable[[str], Evidence],
    tol: float,
    floor: Callable[[str], float],
) -> Diagnosis:
    """Classify every wrong gradient and write the message. floor(key): see ``_passes``."""
    errors = {key: _error(analytic[key], numeric[key]) for key in numeric}
    labels = {key: evidence(key).label for key in numeric}
    wrong = [
        key
        for key in numeric
        if not _passes(analytic[key], numeric[key], tol, lambda key=key: floor(key))
    ]
    if not wrong:
        listed = ", ".join(labels.values())
        which = f"all {len(errors)} gradients ({listed}) match" if len(errors) > 1 else ""
        which = which or f"{listed} matches"
        within = f"error < {tol:.0e}"
        if not max(errors.values()) < tol:
            within += ", or within the rounding error of central differences"
        message = f"{name} backward: {which} central differences in float64 ({within})."
        return Diagnosis(True, max(errors.values()), errors, None, None, {}, message)
    found = {key: classify(analytic[key], numeric[key], evidence(key)) for key in wrong}
    verb = "disagrees" if len(wrong) == 1 else "disagree"
    count = f" ({len(wrong)} of {len(errors)} gradients)" if len(errors) > 1 else ""
    names = ", ".join(labels[key] for key in wrong)
    lines = [f"{name} backward: {names} {verb} with central differences{count}."]
    lines += [f"- {found[key].hint}" for key in wrong]
    mistakes = {key: f.mistake for key, f in found.items()}
    first = wrong[0]
    return Diagnosis(
        False, max(errors.values()), errors, mistakes[first], first, mistakes, "\n".join(lines)
    )
