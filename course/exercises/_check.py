"""What every exercise check shares: the verdict it prints, and how it calls the reader's code.

A check takes the reader's function and returns a ``Result``. Displayed in a notebook, a result
shows its ``message``: one line that says "passed", "not attempted yet" (the function still raises
``NotImplementedError``), "not right yet" followed by a teaching hint, or the error the function
raised. Every message is the same on every run: inputs are seeded, and only stable digits are
printed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import torch

from course.diagnosis import Diagnosis
from scratchnn.checks import relative_error

__all__ = [
    "F64",
    "NOT_ATTEMPTED",
    "Result",
    "call",
    "from_diagnosis",
    "passed",
    "wrong",
]

F64 = torch.float64  # the exercises' checks compute in float64; the one definition

NOT_ATTEMPTED = "not attempted yet"

_STATUS = {
    "passed": "passed.",
    "not attempted": f"{NOT_ATTEMPTED}. Write your code in place of `raise NotImplementedError`, "
    "run that cell, then run this one again.",
    "wrong": "not right yet.",
    "error": "your function raised an error:",
}


@dataclasses.dataclass(frozen=True)
class Result:
    """The verdict on one attempt.

    exercise: its title, e.g. "Exercise 1.1 (Linear's backward pass)".
    status: "passed", "not attempted", "wrong" or "error".
    detail: what the checker found (the teaching hint when wrong; empty when not attempted).
    mistake: a short key naming the mistake (a ``course.diagnosis.MISTAKES`` key for a backward
        pass, an exercise's own key otherwise); None when passed or when nothing matched.
    """

    exercise: str
    status: str
    detail: str = ""
    mistake: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "passed"

    @property
    def message(self) -> str:
        head = f"{self.exercise}: {_STATUS[self.status]}"
        return f"{head}\n{self.detail}" if self.detail else head

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # how IPython displays a result
        printer.text(self.message)


def passed(exercise: str, detail: str) -> Result:
    return Result(exercise, "passed", detail)


def wrong(exercise: str, detail: str, mistake: str | None = None) -> Result:
    return Result(exercise, "wrong", detail, mistake)


def call(exercise: str, fn: Callable, *args) -> tuple[object, Result | None]:
    """``(fn(*args), None)``, or ``(None, result)`` when ``fn`` raised.

    ``NotImplementedError`` (the stub) gives "not attempted yet"; any other exception is reported
    by its type and the first line of its message, so the reader sees what went wrong without a
    traceback (call the function directly to get one).
    """
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, Result(exercise, "not attempted")
    except Exception as exc:  # the reader's code may fail in any way: report, never crash
        first_line = (str(exc).strip().splitlines() or [""])[0]
        text = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
        return None, Result(exercise, "error", text)


def from_diagnosis(exercise: str, diagnosis: Diagnosis, label: str | None = None) -> Result:
    """A ``course.diagnosis.diagnose`` verdict as a result: its message is the detail.

    label: the name the exercise gives the gradient of a loss's input, in place of "dpred".
    """
    message = diagnosis.message.replace("dpred", label) if label else diagnosis.message
    if diagnosis.ok:
        return passed(exercise, message)
    return wrong(exercise, message, diagnosis.mistake)


def same(a: torch.Tensor, b: torch.Tensor, tol: float = 1e-9) -> bool:
    """Same shape and the same values to ``tol`` (max-norm relative error)."""
    return a.shape == b.shape and relative_error(a, b) < tol


def as_float(value: object) -> float | None:
    """A number the reader returned (a Python number or a one-element tensor), or None."""
    if torch.is_tensor(value):
        return float(value.item()) if value.numel() == 1 else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def describe(value: object) -> str:
    """A short, stable description of something that is not the number expected."""
    if torch.is_tensor(value):
        return f"a tensor of shape {tuple(value.shape)}"
    return f"a {type(value).__name__}"
