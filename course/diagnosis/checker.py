"""A gradient checker that says what is wrong, not only that something is.

``gradcheck`` answers "does backward agree with central differences?" with one number.
``diagnose`` answers the learner's next question, "what did I get wrong?":

    >>> print(diagnose(my_linear, x))
    MyLinear backward: dW disagrees with central differences (1 of 3 gradients).
    - dW has shape (4, 3), expected (3, 4): transposed? Its transpose matches exactly. …

It checks three kinds of thing, always on a float64 deep copy (the caller's object is untouched):

- a **layer** (``forward(x)``, ``backward(dout) -> dx``, gradients ``dP`` for each name in
  ``param_names``): reduced to the scalar Σ forward(x) ⊙ R with a seeded random R (B, …), whose
  gradient is exactly ``backward(R)`` (``gradient_errors`` with that seed finds the same errors);
- a **loss** (``forward(pred, target)``, ``backward() -> dL/dpred``);
- a **function pair**: ``forward(x) -> y`` and ``backward(x, y, dout) -> dx``, see
  ``diagnose_function``. A forward that returns a 0-dim tensor (a loss) gets dout = 1.

For each gradient that disagrees, ``course.diagnosis.mistakes`` tries the catalogue of common
mistakes (``MISTAKES``; each named only on an exact match, the module docstring gives the rules).
Messages are the same on every run: R is seeded, and they print a few stable digits and never the
measured error of a correct gradient (only that it is below ``tol``).

A gradient passes when ``max|a − n| ≤ tol·max(|a|, |n|) + floor``, where the floor is what
central differences cannot resolve. f is computed with a relative error of a few units of
float64's machine epsilon u, in its own terms (``Σ|y ⊙ R|`` for a layer, ``|L|`` for a loss) and
through its inputs (θ rounded by ``u·|θ|`` moves f by ``|∂f/∂θ|·u·|θ|``), and the difference
quotient divides that noise by the step. Cancellations inside f (BatchNorm's x − μ when ``|x|``
≫ σ) add more, which no estimate from outside can see; so a gradient that fails both tests is
given a last one, measured: central differences at steps eps and 2·eps differ by their noise
(and their O(eps²) truncation error), and a gradient within a few times that difference of the
truth is as right as the check can tell. A gradient that small (BatchNorm's dx at B = 2, where
x̂ = ±1 whatever x is) cannot be checked any closer, and a correct one is not flagged.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Sequence

import torch

from scratchnn.checks.numerical import (
    UPSTREAM_SEED,
    backward_with_dx,
    children,
    float64_copy,
    named_layers,
    numerical_gradient,
    param_names,
    relative_error,
    upstream,
)
from scratchnn.losses import Loss

from .mistakes import MISTAKES, Evidence, classify

__all__ = ["MISTAKES", "UPSTREAM_SEED", "Diagnosis", "diagnose", "diagnose_function"]


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
# it is called wrong (tests/checks/test_diagnosis.py: no correct layer or loss is flagged at
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


def diagnose(
    obj: object,
    x: torch.Tensor,
    target: torch.Tensor | None = None,
    *,
    params: Sequence[str] | None = None,
    seed: int = UPSTREAM_SEED,
    eps: float = 1e-6,
    tol: float = 1e-6,
) -> Diagnosis:
    """Check ``obj``'s backward against central differences and name the mistake if it is wrong.

    Args:
        obj: a layer (``x`` its input, (B, …)), a loss (``x`` the prediction; ``target``
            required), or a ``(forward, backward)`` pair (see ``diagnose_function``).
        params: the parameter names to check (default: ``obj.param_names``); the gradient of P
            is ``dP``.
        seed: of the random upstream gradient R.
        eps: the step of the central differences.
        tol: the relative error below which a gradient is ok.

    A layer with sub-layers whose forward chains them (a ``Sequential``) that fails is checked
    again one layer at a time, each at its own input, to say in which layer the mistake is.
    """
    if isinstance(obj, tuple) and len(obj) == 2 and all(callable(f) for f in obj):
        return diagnose_function(obj[0], obj[1], x, seed=seed, eps=eps, tol=tol)
    name = type(obj).__name__
    obj = float64_copy(obj, params)
    x = x.detach().to(torch.float64).clone().contiguous()
    if isinstance(obj, Loss) or target is not None:
        if target is None:
            raise ValueError("diagnose: a loss needs its target")
        if target.is_floating_point():
            target = target.to(torch.float64)
        return _diagnose_loss(name, obj, x, target, eps, tol)
    return _diagnose_layer(name, obj, x, params, seed, eps, tol)


def _diagnose_loss(name, obj, x, target, eps, tol) -> Diagnosis:
    loss = obj.forward(x, target)
    grad = obj.backward()
    analytic = {"x": grad.clone() if torch.is_tensor(grad) else grad}
    numeric = {"x": numerical_gradient(lambda: obj.forward(x, target).item(), x, eps)}
    B, N = _batch_sizes(x, x, loss=True)
    evidence = lambda key: Evidence(_label(key, True), False, True, B, N, tol)  # noqa: E731
    f = lambda: obj.forward(x, target).item()  # noqa: E731
    noise = _rounding_floor(abs(float(loss)), numeric, {"x": x}, eps)
    floor = lambda key: max(noise, _resolution(f, x, numeric[key], eps))  # noqa: E731
    return _report(name, analytic, numeric, evidence, tol, floor)


def _diagnose_layer(name, obj, x, params, seed, eps, tol) -> Diagnosis:
    y = obj.forward(x)
    R = upstream(y.shape, seed)
    pristine = copy.deepcopy(obj)  # caches of forward(x) set, no backward run yet
    analytic: dict[str, object] = {"x": backward_with_dx(obj, R)}
    tensors: dict[str, tuple[object, str]] = {}  # name -> (layer, attribute name)
    for path, layer in named_layers(obj):
        for p in param_names(layer, obj, params):
            tensors[path + p] = (layer, p)
            grad = getattr(layer, "d" + p, None)
            analytic[path + p] = grad.clone() if torch.is_tensor(grad) else grad
    if torch.is_tensor(analytic["x"]):
        analytic["x"] = analytic["x"].clone()

    def scalar(upstream: torch.Tensor = R) -> float:
        return (obj.forward(x) * upstream).sum().item()

    numeric = {"x": numerical_gradient(scalar, x, eps)}
    for key, (layer, p) in tensors.items():
        numeric[key] = numerical_gradient(scalar, getattr(layer, p), eps)
    B, N = _batch_sizes(x, y, loss=False)

    def per_sample(key: str) -> torch.Tensor | None:
        layer, p = tensors[key]
        if R.ndim == 0 or R.shape[0] != B:
            return None
        rows = []
        for b in range(B):
            Rb = torch.zeros_like(R)
            Rb[b] = R[b]
            rows.append(numerical_gradient(lambda Rb=Rb: scalar(Rb), getattr(layer, p), eps))
        return torch.stack(rows)  # sums to numeric[key]: R is the sum of its rows, f is linear in R

    def swaps(key: str) -> list[tuple[str, torch.Tensor | None]]:
        out = []
        own = set(tensors) | {"d" + p for p in tensors}  # parameters and their gradients
        for attr, value in getattr(pristine, "__dict__", {}).items():
            if not torch.is_tensor(value) or attr in own:
                continue
            for held, other, new in (("input x", "output y", y), ("output y", "input x", x)):
                old = x if new is y else y
                if value.shape != old.shape or not torch.equal(value, old):
                    continue
                trial = copy.deepcopy(pristine)
                setattr(trial, attr, new.clone())
                try:
                    dx = backward_with_dx(trial, R.clone())
                except Exception:  # a swap that breaks backward proves nothing
                    continue
                grad = dx if key == "x" else getattr(trial, "d" + key, None)
                explanation = (
                    f"comes out right when self.{attr}, which holds forward's {held}, is replaced "
                    f"by forward's {other}: backward reads the {held} where the formula needs the "
                    f"{other}"
                )
                out.append((explanation, grad))
        return out

    def at_output() -> torch.Tensor:
        y_in = y.clone().contiguous()
        trial = copy.deepcopy(pristine)
        return numerical_gradient(lambda: (trial.forward(y_in) * R).sum().item(), y_in, eps)

    own = {key: getattr(layer, p) for key, (layer, p) in tensors.items() if layer is obj}
    square = {key: t for key, t in own.items() if _is_square(t)}

    def evidence(key: str) -> Evidence:
        param, elementwise = key != "x", key == "x" and y.shape == x.shape
        return Evidence(
            _label(key, False), param, False, B, N, tol, upstream=R, x=x,
            per_sample=(lambda: per_sample(key)) if param else None,
            swaps=(lambda: swaps(key)) if not children(obj) else None,
            at_output=at_output if elementwise else None,
            weights=None if param else square,
        )  # fmt: skip

    values = {"x": x} | {key: getattr(layer, p) for key, (layer, p) in tensors.items()}
    noise = _rounding_floor((y * R).abs().sum().item(), numeric, values, eps)
    floor = lambda key: max(noise, _resolution(scalar, values[key], numeric[key], eps))  # noqa: E731
    diagnosis = _report(name, analytic, numeric, evidence, tol, floor)
    if diagnosis.ok or not children(obj):
        return diagnosis
    return _localise(diagnosis, pristine, x, y, seed, eps, tol)


def _localise(diagnosis: Diagnosis, chain, x, y, seed, eps, tol) -> Diagnosis:
    """Check each sub-layer of a failing chain alone, at its own input; report those that fail."""
    inputs, h = [], x
    for child in children(chain):
        inputs.append(h)
        h = copy.deepcopy(child).forward(h)
    if h.shape != y.shape or not torch.equal(h, y):  # forward is not a plain chain
        return diagnosis
    lines, first = [diagnosis.message.split("\n", 1)[0]], None
    for i, (child, h) in enumerate(zip(children(chain), inputs, strict=True)):
        d = diagnose(child, h, seed=seed, eps=eps, tol=tol)
        if not d.ok:
            first = first or (d, f"layers.{i}.")
            what = f"layers.{i} ({type(child).__name__})"
            lines.append(f"Checked alone, {what} is wrong; in its backward:")
            lines.append(d.message.split("\n", 1)[1])
    if first is None:
        note = "\nEach layer passes when checked alone: the mistake is in the chaining."
        return dataclasses.replace(diagnosis, message=diagnosis.message + note)
    d, prefix = first
    tensor = prefix + d.tensor if d.tensor else None
    return dataclasses.replace(
        diagnosis, mistake=d.mistake, tensor=tensor, message="\n".join(lines)
    )


def diagnose_function(
    forward: Callable[[torch.Tensor], torch.Tensor],
    backward: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    *,
    seed: int = UPSTREAM_SEED,
    eps: float = 1e-6,
    tol: float = 1e-6,
) -> Diagnosis:
    """Check a hand-written function pair: ``forward(x) -> y`` and ``backward(x, y, dout) -> dx``.

    ``backward`` receives forward's input and output, so it may use either (σ′ = y(1 − y) needs
    only y). dout is a seeded random tensor of y's shape (1.0 if y is 0-dim). Both functions must
    be pure: they are called many times, on float64 copies.
    """
    x = x.detach().to(torch.float64).clone().contiguous()
    y = forward(x).detach()
    R = upstream(y.shape, seed)
    analytic = {"x": backward(x.clone(), y.clone(), R.clone())}
    numeric = {"x": numerical_gradient(lambda: (forward(x) * R).sum().item(), x, eps)}
    B, N = _batch_sizes(x, y, loss=y.ndim == 0)
    same = y.shape == x.shape

    def swaps() -> list[tuple[str, torch.Tensor | None]]:
        out = []
        for args, used, needed in (((y, y), "x", "y"), ((x, x), "y", "x")):
            try:
                dx = backward(args[0].clone(), args[1].clone(), R.clone())
            except Exception:  # a swap that breaks backward proves nothing
                continue
            out.append(
                (
                    f"comes out right when backward(x, y, dout) gets {needed} in place of {used}: "
                    f"the formula uses {used} where it needs {needed}",
                    dx,
                )
            )
        return out

    def at_output() -> torch.Tensor:
        y_in = y.clone().to(torch.float64).contiguous()
        return numerical_gradient(lambda: (forward(y_in) * R).sum().item(), y_in, eps)

    def evidence(key: str) -> Evidence:
        return Evidence(
            "dx", False, y.ndim == 0, B, N, tol, upstream=R, x=x,
            swaps=swaps if same else None, at_output=at_output if same else None,
        )  # fmt: skip

    f = lambda: (forward(x) * R).sum().item()  # noqa: E731
    noise = _rounding_floor((y * R).abs().sum().item(), numeric, {"x": x}, eps)
    floor = lambda key: max(noise, _resolution(f, x, numeric[key], eps))  # noqa: E731
    name = getattr(forward, "__name__", "forward")
    return _report(name, analytic, numeric, evidence, tol, floor)
