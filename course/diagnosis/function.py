"""``diagnose_function``: the checker for a hand-written pair ``forward(x)``,
``backward(x, y, dout)``, as the exercises of chapters 2 and 6 ask for."""

from __future__ import annotations

from collections.abc import Callable

import torch

from scratchnn.checks.numerical import UPSTREAM_SEED, numerical_gradient, upstream

from .mistakes import Evidence
from .verdict import Diagnosis, _batch_sizes, _report, _resolution, _rounding_floor


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
