"""Shared by the diagnose tests: seeded batches, a Linear with a chosen backward mistake, and the
assertion that a diagnosis names a mistake."""

import torch
from reference import gen

from course.diagnosis import MISTAKES, Diagnosis
from scratchnn import Linear

B, M, N = 5, 3, 4  # distinct, and none is 2, so that every factor has one explanation


def batch(rows=B, cols=M, seed=0):
    return torch.randn(rows, cols, generator=gen(seed), dtype=torch.float64)


def linear(m=M, n=N):
    lin = Linear(m, n, generator=gen(1))
    lin.b = torch.randn(n, generator=gen(2))  # a non-zero bias
    return lin


def broken_linear(dW=None, db=None, dx=None, m=M, n=N):
    """A Linear whose backward replaces dW, db or dx by ``f(self, x, dout, correct_value)``."""

    class Broken(Linear):
        def backward(self, dout, *, need_dx=True):
            out = super().backward(dout, need_dx=need_dx)
            if dW:
                self.dW = dW(self, self._x, dout, self.dW)
            if db:
                self.db = db(self, self._x, dout, self.db)
            return dx(self, self._x, dout, out) if dx else out

    lin = Broken(m, n, generator=gen(1))
    lin.b = torch.randn(n, generator=gen(2))
    return lin


def assert_names(d: Diagnosis, mistake: str, tensor: str, *phrases: str) -> None:
    assert not d.ok, d.message
    assert (d.mistake, d.tensor) == (mistake, tensor), d.message
    assert mistake in MISTAKES
    for phrase in phrases:
        assert phrase in d.message, d.message
    assert str(d) == d.message
