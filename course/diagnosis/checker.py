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
    upstream,
)
from scratchnn.losses import Loss

from .function import diagnose_function
from .mistakes import Evidence
from .verdict import (
    Diagnosis,
    _batch_sizes,
    _is_square,
    _label,
    _report,
    _resolution,
    _rounding_floor,
)

__all__ = ["Diagnosis", "diagnose", "diagnose_function"]


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
    check = LayerCheck(obj, x, params, seed, eps, tol)
    analytic, numeric = check.analytic(), check.numeric()
    diagnosis = _report(name, analytic, numeric, check.evidence, tol, check.floor(numeric))
    if diagnosis.ok or not children(obj):
        return diagnosis
    return _localise(diagnosis, check.pristine, x, check.y, seed, eps, tol)


class LayerCheck:
    """A layer's backward and the evidence about it, at one input x and one seeded upstream R.

    The layer is reduced to the scalar f = Σ forward(x) ⊙ R, whose gradient is exactly what
    ``backward(R)`` returns and sets. Each method below gathers one kind of evidence that
    ``classify`` reads when a gradient is wrong.
    """

    def __init__(self, obj, x: torch.Tensor, params, seed: int, eps: float, tol: float) -> None:
        self.obj, self.x, self.eps, self.tol = obj, x, eps, tol
        self.y = obj.forward(x)
        self.R = upstream(self.y.shape, seed)  # the one seeded upstream gradient
        self.pristine = copy.deepcopy(obj)  # caches of forward(x) set, no backward run yet
        self.tensors: dict[str, tuple[object, str]] = {}  # name -> (layer, attribute name)
        for path, layer in named_layers(obj):
            for p in param_names(layer, obj, params):
                self.tensors[path + p] = (layer, p)
        self.B, self.N = _batch_sizes(x, self.y, loss=False)

    def value(self, key: str) -> torch.Tensor:
        """The tensor a gradient is taken in: x, or a parameter."""
        if key == "x":
            return self.x
        layer, p = self.tensors[key]
        return getattr(layer, p)

    def scalar(self, R: torch.Tensor | None = None) -> float:
        """f = Σ forward(x) ⊙ R (the seeded R unless another is given)."""
        return (self.obj.forward(self.x) * (self.R if R is None else R)).sum().item()

    def analytic(self) -> dict[str, object]:
        """What backward(R) gives: dx, and the gradient dP of every parameter P (copies)."""
        dx = backward_with_dx(self.obj, self.R)
        out: dict[str, object] = {"x": dx.clone() if torch.is_tensor(dx) else dx}
        for key, (layer, p) in self.tensors.items():
            grad = getattr(layer, "d" + p, None)
            out[key] = grad.clone() if torch.is_tensor(grad) else grad
        return out

    def numeric(self) -> dict[str, torch.Tensor]:
        """The truth: central differences of f in x and in every parameter."""
        keys = ["x", *self.tensors]
        return {key: numerical_gradient(self.scalar, self.value(key), self.eps) for key in keys}

    def per_sample(self, key: str) -> torch.Tensor | None:
        """A parameter's gradient from each row of the batch alone (R kept on row b only)."""
        R, B = self.R, self.B
        if R.ndim == 0 or R.shape[0] != B:
            return None
        rows = []
        for b in range(B):
            Rb = torch.zeros_like(R)
            Rb[b] = R[b]
            rows.append(
                numerical_gradient(lambda Rb=Rb: self.scalar(Rb), self.value(key), self.eps)
            )
        return torch.stack(rows)  # sums to numeric[key]: R is the sum of its rows, f is linear in R

    def swaps(self, key: str) -> list[tuple[str, torch.Tensor | None]]:
        """backward again with a cache that holds forward's input replaced by its output (or the
        reverse): a gradient that then comes out right reads the wrong cache."""
        out = []
        x, y = self.x, self.y
        own = set(self.tensors) | {"d" + p for p in self.tensors}  # parameters and their gradients
        for attr, value in getattr(self.pristine, "__dict__", {}).items():
            if not torch.is_tensor(value) or attr in own:
                continue
            for held, other, new in (("input x", "output y", y), ("output y", "input x", x)):
                old = x if new is y else y
                if value.shape != old.shape or not torch.equal(value, old):
                    continue
                trial = copy.deepcopy(self.pristine)
                setattr(trial, attr, new.clone())
                try:
                    dx = backward_with_dx(trial, self.R.clone())
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

    def at_output(self) -> torch.Tensor:
        """The true dx of an element-wise layer evaluated at y instead of x."""
        y_in = self.y.clone().contiguous()
        trial = copy.deepcopy(self.pristine)
        return numerical_gradient(
            lambda: (trial.forward(y_in) * self.R).sum().item(), y_in, self.eps
        )

    def evidence(self, key: str) -> Evidence:
        """Everything ``classify`` may read about gradient ``key``."""
        x, y, obj = self.x, self.y, self.obj
        param, elementwise = key != "x", key == "x" and y.shape == x.shape
        own = {k: getattr(layer, p) for k, (layer, p) in self.tensors.items() if layer is obj}
        square = {k: t for k, t in own.items() if _is_square(t)}
        return Evidence(
            _label(key, False), param, False, self.B, self.N, self.tol, upstream=self.R, x=x,
            per_sample=(lambda: self.per_sample(key)) if param else None,
            swaps=(lambda: self.swaps(key)) if not children(obj) else None,
            at_output=self.at_output if elementwise else None,
            weights=None if param else square,
        )  # fmt: skip

    def floor(self, numeric: dict[str, torch.Tensor]) -> Callable[[str], float]:
        """What central differences cannot resolve, per gradient (see ``_passes``)."""
        values = {key: self.value(key) for key in numeric}
        noise = _rounding_floor((self.y * self.R).abs().sum().item(), numeric, values, self.eps)
        return lambda key: max(noise, _resolution(self.scalar, values[key], numeric[key], self.eps))


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
