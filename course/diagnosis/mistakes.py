"""The catalogue of common backward mistakes, and how ``diagnose`` recognises each one.

Every check is a hypothesis test. It takes the learner's gradient ``a`` and the central-difference
truth ``n`` (float64, same point, same upstream gradient), applies one suspected mistake to the
truth (or undoes it on ``a``) and asks whether the two now agree to ``tol`` in the max-norm
relative error. A mistake is named only on such an exact match: a gradient that is merely "about
twice as big here and there" is reported as unexplained, with the place where it disagrees most.

The checks, in the order they are tried (the first that matches wins):

1. never set, NaN/inf, or all zeros;
2. a constant factor: the least-squares c = ⟨a, n⟩/⟨n, n⟩ leaves no residual. Then c = −1 is a
   flipped sign; c = B, N or B·N (the batch, the row width, their product) is a missing 1/B,
   1/N or 1/(B·N); their reciprocals are an extra one, or, for a bias, a mean where a sum belongs;
   any other c is reported as "≈ c× too large";
3. a transpose: the shape is reversed, or, square, ``a`` equals ``nᵀ`` (times a factor of step 2);
   or dx equals dout·W for a square weight W of the layer, where dout·Wᵀ belongs;
4. the wrong cache. Where the object exposes its caches, every cached tensor equal to forward's
   input x (or output y) is replaced by y (or x), and backward is run again: if that repairs the
   gradient, backward read the one where it needed the other (σ′ computed from x instead of σ(x);
   dW from the output instead of the input). A function pair ``backward(x, y, dout)`` is called
   with x and y swapped in the same way. For an element-wise layer a second pattern needs no
   cache at all: ``a`` equals the true derivative evaluated at y instead of x;
5. the batch (parameters of layers only). The per-sample gradients P[i], the gradients with the
   upstream gradient kept on row i alone, sum to the truth. ``a`` equal to one P[i], or to the
   unsummed stack P, was not summed over the batch; equal to P reduced over another axis (for a
   bias, P = dout: db = dout.sum(1)) was reduced over the wrong axis; and for a (M, N) weight,
   equal to outer(x.sum(0), dout.sum(0)), was summed over the batch before the product;
6. the right values in the wrong shape (a ``keepdim`` too many).

Limits: a mistake in forward is invisible (the truth is the learner's own forward, differentiated);
points on a kink (ReLU at 0) have no derivative; when B, N and 2 are not all distinct, a factor
cannot say which it was (the message says so); the wrong-cache swap needs the cache in a plain
attribute, and its pattern fallback only covers a derivative evaluated at y instead of x.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from scratchnn.checks.numerical import relative_error

# What central differences resolve, relative to the gradient's scale: a printed digit finer than
# this would come from rounding noise and could differ from machine to machine.
NOISE = 1e-9

MISTAKES: dict[str, str] = {
    "transposed": "a gradient returned transposed (operands of a product in the wrong order)",
    "wrong_axis": "a reduction over the wrong axis, or before the product instead of after",
    "missing_batch_scale": "the 1/B, 1/N or 1/(B·N) of a mean missing: B, N or B·N times too big",
    "extra_scale": "divided by B, N or B·N once too often",
    "sign": "the sign flipped",
    "bias_not_summed": "the bias gradient not summed over the batch (one row, the mean, no sum)",
    "not_summed": "a weight gradient not summed over the batch",
    "constant_factor": "off by another constant factor (a lost 2 or ½)",
    "wrong_cache": "backward read the wrong cached tensor (forward's input instead of output)",
    "wrong_shape": "the right values in the wrong shape",
    "zero_gradient": "all zeros",
    "missing": "backward never set the gradient",
    "not_finite": "NaN or inf in the gradient",
}

_CACHE_HINT = "(σ′ = s(1 − s) takes the output s = σ(x); dW = xᵀ·dout takes the input x)"


@dataclass(frozen=True)
class Finding:
    """The verdict on one gradient: a key of ``MISTAKES`` (None if nothing matched) and a hint."""

    mistake: str | None
    hint: str


@dataclass
class Evidence:
    """What the checks may use besides ``a`` and ``n``; the expensive parts are computed lazily.

    Attributes:
        upstream: the seeded dout (B, …) fed to backward (None for a loss).
        x: forward's input.
        per_sample: () -> P, the (B, ``*shape``) per-sample gradients (None without a batch).
        swaps: () -> [(explanation, gradient recomputed with x and y swapped in the cache)].
        at_output: () -> the true gradient evaluated at y instead of x (element-wise layers only).
        weights: the layer's own square (K, K) parameters, by name: dx = dout·W where dout·Wᵀ
            belongs raises no shape error when W is square.
    """

    label: str
    is_param: bool
    loss: bool
    B: int
    N: int
    tol: float
    upstream: torch.Tensor | None = None
    x: torch.Tensor | None = None
    per_sample: Callable[[], torch.Tensor | None] | None = None
    swaps: Callable[[], list[tuple[str, torch.Tensor | None]]] | None = None
    at_output: Callable[[], torch.Tensor | None] | None = None
    weights: dict[str, torch.Tensor] | None = None


def _shape(t: torch.Tensor) -> str:
    return "(" + ", ".join(str(s) for s in t.shape) + ("," if t.ndim == 1 else "") + ")"


def _close(a: torch.Tensor | None, b: torch.Tensor, tol: float) -> bool:
    """Same shape and the same values to ``tol`` (max-norm relative error)."""
    return a is not None and a.shape == b.shape and relative_error(a, b) < tol


def _close_values(a: torch.Tensor, b: torch.Tensor, tol: float) -> bool:
    """The same values in the same memory order, whatever the shapes."""
    return a.numel() == b.numel() and relative_error(a.reshape(-1), b.reshape(-1)) < tol


def _factor(a: torch.Tensor, n: torch.Tensor, tol: float) -> float | None:
    """The c with a = c·n exactly (to ``tol``), or None if no single factor explains ``a``."""
    nn_ = (n * n).sum().item()
    if nn_ == 0.0:
        return None
    c = (a * n).sum().item() / nn_
    return c if relative_error(a, c * n) < tol else None


def _sizes(ev: Evidence) -> dict[int, list[str]]:
    """{value: names} for B, N and B·N; equal values share an entry (B = N), 1 is left out."""
    names: dict[int, list[str]] = {}
    for name, value in (("B", ev.B), ("N", ev.N), ("B·N", ev.B * ev.N)):
        if value > 1:
            names.setdefault(value, []).append(name)
    return names


def _inverse(names: list[str]) -> str:
    """['B'] -> '1/B';  ['B·N'] -> '1/(B·N)';  ['B', 'N'] -> '1/B or 1/N'."""
    return " or ".join(f"1/({n})" if "·" in n else f"1/{n}" for n in names)


def _divisor(names: list[str]) -> str:
    """['B·N'] -> '(B·N)';  ['B', 'N'] -> 'B or N'."""
    return " or ".join(f"({n})" if "·" in n else n for n in names)


def _ambiguity(value: int, names: list[str]) -> str:
    notes = []
    if len(names) > 1:
        notes.append(f"{' = '.join(names)} here, so the factor cannot say which")
    if value == 2:
        notes.append("a stray 2, from a square, fits as well")
    return f" ({'; '.join(notes)})" if notes else ""


def _stable(x: float, noise: float, digits: int, other: float | None = None) -> str | None:
    """``x`` with exactly ``digits`` significant digits, or None if a change of ±``noise`` could
    flip one of them (x sits within noise of a rounding boundary) or, given ``other``, if x and
    other print the same."""
    text = f"{x:.{digits}g}"
    if f"{x - noise:.{digits}g}" != text or f"{x + noise:.{digits}g}" != text:
        return None
    if other is not None and f"{other:.{digits}g}" == text:
        return None
    return text


def _digits(x: float, noise: float, digits: int, other: float | None = None) -> str:
    """``x`` with the fewest significant digits, at least ``digits``, that no change of ±``noise``
    can flip, and that tell it from ``other`` (a factor 1.0005 must not read "1"). A value right on
    a rounding boundary (1.0005 at four digits) gets one more digit instead of a coin toss, so the
    text is the same on every machine."""
    for d in range(digits, 18):
        text = _stable(x, noise, d, other)
        if text is not None:
            return text
    return f"{x:.17g}"


def _distinct(x: float, y: float, noise: float, digits: int) -> tuple[str, str]:
    """x and y with the same number of digits, at least ``digits``: the fewest that print them
    differently, with no digit that a change of ±``noise`` in either could flip."""
    for d in range(digits, 18):
        text_x, text_y = _stable(x, noise, d, y), _stable(y, noise, d, x)
        if text_x is not None and text_y is not None:
            return text_x, text_y
    return f"{x:.17g}", f"{y:.17g}"


def _near(x: float, y: float) -> bool:
    return abs(x - y) <= 1e-6 * abs(y)


def _scale_finding(c: float, ev: Evidence, bias_like: bool) -> Finding:
    """Name the factor c in a = c·truth."""
    lab, m = ev.label, abs(c)
    flip = " Its sign is flipped as well." if c < 0 else ""
    if _near(m, 1.0):
        where = "target − pred where pred − target belongs?" if ev.loss else "a minus sign lost?"
        return Finding(
            "sign", f"{lab} is exactly −1 × the true gradient: the sign is flipped ({where})."
        )
    sizes = _sizes(ev)
    for value, names in sizes.items():
        if _near(m, value):
            where = "the loss's mean" if ev.loss else "a mean"
            return Finding(
                "missing_batch_scale",
                f"{lab} is {value}× too large, and {value} = {names[0]}: the {_inverse(names)} "
                f"of {where} is missing from backward{_ambiguity(value, names)}.{flip}",
            )
    for value, names in sizes.items():
        if _near(m, 1.0 / value):
            if bias_like and value == ev.B:
                return Finding(
                    "bias_not_summed",
                    f"{lab} is the mean of dout over the batch, {value}× too small: the bias is "
                    f"added to every row, so its gradient is the sum, {lab} = dout.sum(0). The 1/B "
                    f"of the loss is already inside dout.{flip}",
                )
            extra = (
                " A layer's backward sums over the batch and never divides: the loss's 1/B "
                "already arrives inside dout."
                if not ev.loss
                else ""
            )
            return Finding(
                "extra_scale",
                f"{lab} is 1/{value} of the true gradient, and {value} = {names[0]}: it was "
                f"divided by {_divisor(names)} once too often{_ambiguity(value, names)}."
                f"{extra}{flip}",
            )
    # Digits enough to tell c from ±1 (a factor of 1.0005 must not read "times 1"), and none
    # finer than the factor is known: c is claimed to ``tol``, so a digit that a relative change of
    # ``tol`` could flip is not printed.
    times = _digits(c, ev.tol * m, 3, other=math.copysign(1.0, c))
    ratio = m if m > 1 else 1 / m
    ratio = _digits(ratio, ev.tol * ratio, 3, other=1.0)
    size = f"≈ {ratio}× too large" if m > 1 else f"≈ {ratio}× too small"
    return Finding(
        "constant_factor",
        f"{lab} is the true gradient times {times} ({size}): a constant factor is off (a 2 from "
        f"a square, a ½, a δ?).{flip}",
    )


def _transposed(a: torch.Tensor, n: torch.Tensor, ev: Evidence) -> Finding | None:
    """``a``ᵀ = c·n for some factor c (a reversed shape, or square and not symmetric)."""
    c = _factor(a.T, n, ev.tol)
    if c is None:
        return None
    lab = ev.label
    if a.shape == n.shape:
        head = (
            f"{lab} equals the transpose of the true gradient (square, {_shape(n)}, so no shape "
            "error could catch it)."
        )
    else:
        head = f"{lab} has shape {_shape(a)}, expected {_shape(n)}: transposed?"
    fix = " The operands of a product are in the wrong order: e.g. xᵀ·dout, not doutᵀ·x."
    if _near(c, 1.0):
        return Finding("transposed", f"{head} Its transpose matches exactly.{fix}")
    more = _scale_finding(c, ev, bias_like=False).hint.replace(lab, "Its transpose", 1)
    return Finding("transposed", f"{head} {more}{fix}")


def _wrong_cache(a: torch.Tensor, n: torch.Tensor, ev: Evidence) -> Finding | None:
    for explanation, repaired in ev.swaps() if ev.swaps else []:
        if _close(repaired, n, ev.tol):
            return Finding("wrong_cache", f"{ev.label} {explanation} {_CACHE_HINT}.")
    if ev.at_output is not None and _close(a, ev.at_output(), ev.tol):
        return Finding(
            "wrong_cache",
            f"{ev.label} equals the true derivative evaluated at forward's output y instead of "
            f"its input x: backward read the output where the formula needs the input "
            f"{_CACHE_HINT}.",
        )
    return None


def _batch(a: torch.Tensor, n: torch.Tensor, ev: Evidence, bias_like: bool) -> Finding | None:
    P = ev.per_sample() if ev.per_sample else None
    if P is None:
        return None
    lab, tol = ev.label, ev.tol
    key = "bias_not_summed" if bias_like else "not_summed"
    if _close_values(a, P, tol):
        what = "dout itself" if bias_like else "one gradient per sample"
        return Finding(
            key,
            f"{lab} has shape {_shape(a)}, expected {_shape(n)}: it is {what}, never summed over "
            "the batch (axis 0). Every sample contributes to a parameter: sum the contributions"
            + (f": {lab} = dout.sum(0)." if bias_like else "."),
        )
    for b in range(P.shape[0]):
        if _close(a, P[b], tol):
            what = f"dout[{b}]" if bias_like else f"sample {b}'s contribution"
            return Finding(
                key,
                f"{lab} equals {what} alone: the other {P.shape[0] - 1} samples are left out. "
                "Every sample contributes to a parameter, so its gradient sums over the batch"
                + (f": {lab} = dout.sum(0)." if bias_like else " (for Linear, dW = xᵀ·dout)."),
            )
    for axis in range(1, P.ndim):
        for op in ("sum", "mean"):
            if _close_values(a, getattr(P, op)(dim=axis), tol):
                what = f"dout.{op}(axis={axis})" if bias_like else f"the per-sample gradients' {op}"
                where = "" if bias_like else f" over axis {axis}"
                fix = (
                    f"{lab} = dout.sum(0)."
                    if bias_like
                    else "sum the per-sample gradients over it."
                )
                return Finding(
                    "wrong_axis",
                    f"{lab} equals {what}{where}: reduced over the wrong axis. The batch is axis "
                    f"0: {fix}",
                )
    R, x = ev.upstream, ev.x
    if a.ndim == 2 and R is not None and x is not None and x.ndim == 2 and R.ndim == 2:
        outer = x.sum(0)[:, None] * R.sum(0)[None, :]
        if _close(a, outer, tol):
            return Finding(
                "wrong_axis",
                f"{lab} equals outer(x.sum(0), dout.sum(0)): the batch was summed before the "
                f"product. Sum the products instead: {lab} = xᵀ·dout = Σ_i x[i]ᵀ·dout[i].",
            )
    return None


def _largest_disagreement(a: torch.Tensor, n: torch.Tensor, ev: Evidence) -> Finding:
    flat = int((a - n).abs().reshape(-1).argmax())
    index, rest = [], flat
    for size in reversed(n.shape):  # unravel the flat index, last axis fastest
        rest, i = divmod(rest, size)
        index.insert(0, i)
    at = f"{ev.label}[{', '.join(map(str, index))}]" if index else ev.label
    # Central differences know the truth to about 1e-9 of the gradient's scale (rounding and
    # truncation at the default step): no printed digit is finer than that.
    noise = NOISE * n.abs().max().item()
    gave, truth = _distinct(a.reshape(-1)[flat].item(), n.reshape(-1)[flat].item(), noise, 4)
    error = _digits(relative_error(a, n), NOISE, 2)
    return Finding(
        None,
        f"{ev.label}: no common mistake matches (relative error {error}). "
        f"Largest disagreement at {at}: backward gave {gave}, central differences give {truth}.",
    )


def classify(a: torch.Tensor | None, n: torch.Tensor, ev: Evidence) -> Finding:
    """Name the mistake that turns the true gradient ``n`` into the learner's ``a``."""
    lab, tol = ev.label, ev.tol
    if a is None:
        return Finding("missing", f"{lab} was never set: backward must assign it (or return it).")
    if not torch.is_tensor(a):
        return Finding(None, f"{lab} is a {type(a).__name__}, not a tensor.")
    a = a.detach().to(torch.float64)
    if not bool(torch.isfinite(a).all()):
        return Finding("not_finite", f"{lab} contains NaN or inf: look for log(0), 0/0 or exp.")
    if a.numel() and a.abs().max().item() == 0.0 and n.abs().max().item() > 0.0:
        return Finding("zero_gradient", f"{lab} is all zeros: was it computed but never stored?")
    R = ev.upstream
    bias_like = (
        ev.is_param and R is not None and R.ndim >= 1 and _close(R.sum(0), n, tol) and ev.B > 1
    )
    if a.shape == n.shape:
        c = _factor(a, n, tol)
        if c is not None:
            return _scale_finding(c, ev, bias_like)
    if a.ndim == 2 and n.ndim == 2 and a.shape == n.shape[::-1]:
        found = _transposed(a, n, ev)
        if found is not None:
            return found
    for name, W in (ev.weights or {}).items():
        if R is not None and R.ndim == 2 and R.shape[1] == W.shape[0] and _close(a, R @ W, tol):
            return Finding(
                "transposed",
                f"{lab} equals dout·{name}, where dout·{name}ᵀ belongs: {name} is square "
                f"{_shape(W)}, so no shape error caught the missing transpose.",
            )
    found = _wrong_cache(a, n, ev)
    if found is None and ev.is_param and ev.B > 1:
        found = _batch(a, n, ev, bias_like)
    if found is not None:
        return found
    if a.shape != n.shape:
        if a.ndim == 2 and n.ndim == 2 and a.shape == n.shape[::-1]:
            return Finding(
                "transposed",
                f"{lab} has shape {_shape(a)}, expected {_shape(n)}: transposed? Even transposed "
                f"it disagrees (relative error {relative_error(a.T, n):.2g}): fix the shape "
                "first, then check again.",
            )
        if _close_values(a, n, tol):
            return Finding(
                "wrong_shape",
                f"{lab} has the right values but shape {_shape(a)}, expected {_shape(n)}: a "
                "keepdim=True too many, or a missing squeeze/reshape?",
            )
        return Finding(
            None,
            f"{lab} has shape {_shape(a)}, expected {_shape(n)}, and no common mistake explains "
            "it: a gradient always has the shape of what it is the gradient of.",
        )
    return _largest_disagreement(a, n, ev)
