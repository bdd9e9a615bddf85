"""Float64 reference helpers shared by the unit tests (imported as ``from reference import …``).

Not in conftest.py: tests/browser has a conftest of its own, and two modules named ``conftest``
cannot both be imported by name.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch.overrides import TorchFunctionMode

# torch's function for every activation in scratchnn.ACTIVATIONS, at its default parameters: the
# one map the tests compare with (test_activations checks it covers the registry exactly).
TORCH_ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky": lambda x: torch.nn.functional.leaky_relu(x, 0.01),
    "elu": lambda x: torch.nn.functional.elu(x, 1.0),
    "gelu": lambda x: torch.nn.functional.gelu(x, approximate="tanh"),
    "swish": torch.nn.functional.silu,
}

F32, F64 = torch.float32, torch.float64  # the one definition, for every test module

TOL = 1e-10  # the bar: relative error against torch.autograd in float64


def rel_err(a: torch.Tensor, b: torch.Tensor) -> float:
    """max|a − b| / max|b|, the max-norm relative error (0 if both are zero)."""
    scale = max(a.abs().max().item(), b.abs().max().item()) if b.numel() else 0.0
    return 0.0 if scale == 0 else (a - b).abs().max().item() / scale


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# --- all or nothing: inject a failure into any torch call, then compare the whole state ---------


class InjectedError(Exception):
    """Raised by ``FailAt`` in place of a torch call (not a RuntimeError: nothing may catch it)."""


class FailAt(TorchFunctionMode):
    """Inside ``with FailAt(n):`` the n-th torch call (0-based) raises ``InjectedError``.

    Every torch function and tensor method or property counts, except ``copy_``: the commit of a
    call is its copies into tensors that others hold (parameters, running statistics), of values
    already computed, which cannot fail for a reason of their own. ``FailAt(None)`` only counts.
    """

    def __init__(self, n: int | None) -> None:
        super().__init__()
        self.n, self.calls = n, 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") != "copy_":
            if self.calls == self.n:
                self.calls += 1
                raise InjectedError(f"call {self.n}: {getattr(func, '__name__', func)}")
            self.calls += 1
        return func(*args, **(kwargs or {}))


def state(obj: object, seen: dict | None = None) -> object:
    """A deep, comparable copy of everything ``obj`` holds: tensors cloned, generators' states."""
    seen = {} if seen is None else seen
    if isinstance(obj, torch.Tensor):
        return ("tensor", obj.dtype, obj.device, tuple(obj.shape), obj.detach().clone())
    if isinstance(obj, torch.Generator):
        return ("generator", obj.get_state())
    if isinstance(obj, (list, tuple)):
        return [state(v, seen) for v in obj]
    if isinstance(obj, dict):
        return {k: state(v, seen) for k, v in obj.items()}
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        if id(obj) in seen:  # an optimizer's model, a layer held twice: once is enough
            return ("seen", seen[id(obj)])
        seen[id(obj)] = len(seen)
        attributes = sorted(vars(obj).items())
        return (type(obj).__name__, {k: state(v, seen) for k, v in attributes})
    return obj


def assert_same_state(got: object, expected: object, where: str = "") -> None:
    """Bit-identical: the same attributes, and tensors equal bit for bit."""
    if isinstance(expected, tuple) and expected and expected[0] == "tensor":
        assert isinstance(got, tuple) and got[:4] == expected[:4], where
        assert torch.equal(got[4], expected[4]), where
    elif isinstance(expected, tuple) and expected and expected[0] == "generator":
        assert torch.equal(got[1], expected[1]), where
    elif isinstance(expected, dict):
        assert isinstance(got, dict) and got.keys() == expected.keys(), where
        for k in expected:
            assert_same_state(got[k], expected[k], f"{where}.{k}")
    elif isinstance(expected, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(expected), where
        for i, (a, b) in enumerate(zip(got, expected, strict=True)):
            assert_same_state(a, b, f"{where}[{i}]")
    else:
        assert got == expected, where


def assert_all_or_nothing(
    make: Callable[[], object],
    call: Callable[[object], object],
    after: Callable[[object], object] | None = None,
) -> int:
    """For every torch call that ``call(obj)`` makes, fail exactly that one, on a fresh ``make()``.

    After each failure the whole state of obj is bit-identical to before the call, and, if given,
    ``after(obj)`` (e.g. a backward) returns bit for bit what it returns on an object that never
    saw the failed call. Returns the number of calls tried.
    """
    probe = make()
    with FailAt(None) as counter:
        call(probe)
    assert counter.calls > 0
    for n in range(counter.calls):
        obj, untouched = make(), make()
        before = state(obj)
        with pytest.raises(InjectedError), FailAt(n):
            call(obj)
        assert_same_state(state(obj), before, f"after a failure at call {n}")
        if after is not None:
            assert_same_state(state(after(obj)), state(after(untouched)), f"after call {n}")
    return counter.calls
