"""The readable forms the chapters show, against the fused forms the library could use instead.

The book shows the library's own source, so the library writes BatchNorm's backward and Adam's
update as the derivation reads. Each has a fused form that makes fewer passes over memory; this
benchmark checks that the fused form gives the same numbers (to rounding) and measures what it
would save, side by side in one process (``compare`` from bench_train_step.py, medians).

- BatchNorm1d backward, training mode, B=256, N=512: the library's
  dx = (γ/(B·σ))·(B·dout − dL/dβ − x̂·dL/dγ), five passes over (B, N), against the same
  expression expanded into two fused passes, addcmul(shift, x̂, slope).addcmul_(dout, γ/σ).
- Adam step on the parameters of MLP [512, 512, 512, 10] (530k numbers, float32): the library's
  m̂ = m/c₁, v̂ = v/c₂, p − lr·m̂/(√v̂ + ε), against the form with both corrections folded into two
  scalars, p − (lr·√c₂/c₁)·m/(√v + ε·√c₂), which skips the passes that build m̂ and v̂.
- One SGD training step of MLP [512, 512, 512, 10] and [1, 64, 64, 1] (ReLU, MSE, float32) as
  the README writes it, against the machinery the library once had and dropped because the page
  showed it: ReLU computing in the memory of the Linear output before it (forward) and of the
  Linear dL/dx after it (backward), and every parameter updated by one ``torch._foreach_add_``
  (no lr·dp temporaries, no copies to undo a failed step).

    python benchmarks/bench_fused.py [--steps 200] [--threads 2]
"""

from __future__ import annotations

import math

import torch
from bench_train_step import (  # this folder is on sys.path when run as a script
    compare,
    parse_and_set_threads,
)

from scratchnn import MLP, BatchNorm1d, MSELoss, ReLU
from scratchnn.optim import Adam


def fused_batchnorm_dx(bn: BatchNorm1d, dout: torch.Tensor) -> torch.Tensor:
    """dL/dx of a training-mode forward, in two passes: the expanded form
    (γ/σ)·dout − (γ/(B·σ))·dL/dβ − x̂·(γ/(B·σ))·dL/dγ with the (N,) factors computed first."""
    xhat, B = bn._xhat, bn._xhat.shape[0]
    dbeta, dgamma = dout.sum(dim=0), (dout * xhat).sum(dim=0)
    scale = bn.gamma * bn._inv_std  # (N,): γ/σ
    shift, slope = dbeta * scale / -B, dgamma * scale / -B  # (N,) each
    return torch.addcmul(shift, xhat, slope).addcmul_(dout, scale)


class FusedAdam(Adam):
    """Adam with the bias corrections folded into two scalars (no m̂ and v̂ tensors)."""

    def _update(self, p, g, state):
        beta1, beta2 = self.betas
        lr, t = self.lr, self.steps + 1
        m = state.setdefault("m", torch.zeros_like(p))
        v = state.setdefault("v", torch.zeros_like(p))
        m.lerp_(g, 1.0 - beta1)
        v.mul_(beta2).addcmul_(g, g, value=1.0 - beta2)
        # m̂/(√v̂ + ε) = (√c₂/c₁)·m/(√v + ε·√c₂): multiply top and bottom by √c₂.
        root_c2 = math.sqrt(1.0 - beta2**t)
        denom = v.sqrt().add_(self.eps * root_c2)
        p.addcdiv_(m, denom, value=-lr * root_c2 / (1.0 - beta1**t))


def in_place_train_step(net: MLP, loss: MSELoss, x: torch.Tensor, y: torch.Tensor, lr: float):
    """The README's step, net.forward, net.backward, net.step, with the in-place machinery: the
    same numbers (SGD's p + (−lr)·dp may round differently from p − lr·dp), fewer allocations."""
    h = x
    for layer in net.layers:
        if isinstance(layer, ReLU):
            layer._y = h.clamp_(min=0.0)  # h is the fresh output of a Linear: nobody else holds it
        else:
            h = layer.forward(h)
    value = loss.forward(h, y)
    dout = loss.backward()
    for i in range(len(net.layers) - 1, -1, -1):
        layer = net.layers[i]
        if isinstance(layer, ReLU):
            dout = dout.mul_(layer._y.sign())  # dout is the fresh dL/dx of the Linear after it
        else:
            dout = layer.backward(dout, need_dx=i > 0)
    torch._foreach_add_(net.parameters(), net.gradients(), alpha=-lr)  # one call, no temporaries
    return value


def train_step_pair(dims: list[int], B: int, seed: int = 0):
    pairs = []
    for _ in range(2):
        g = torch.Generator().manual_seed(seed)
        net, loss = MLP(dims, "relu", generator=g), MSELoss()
        x, y = torch.randn(B, dims[0], generator=g), torch.randn(B, dims[-1], generator=g)
        pairs.append((net, loss, x, y))
    (net, loss, x, y), (net2, loss2, x2, y2) = pairs

    def readable():
        value = loss.forward(net.forward(x), y)
        net.backward(loss.backward())
        net.step(1e-3)
        return value

    def fused():
        return in_place_train_step(net2, loss2, x2, y2, 1e-3)

    for _ in range(5):
        readable()
        fused()
    difference = max(
        ((a - b).abs().max() / a.abs().max()).item()
        for a, b in zip(net.parameters(), net2.parameters(), strict=True)
    )
    return readable, fused, difference


def batchnorm_pair(B: int, N: int, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    bn = BatchNorm1d(N)
    bn.gamma.copy_(torch.rand(N, generator=g) + 0.5)
    bn.forward(torch.randn(B, N, generator=g) * 3 + 1)
    dout = torch.randn(B, N, generator=g)
    readable, fused = bn.backward(dout), fused_batchnorm_dx(bn, dout)
    difference = ((readable - fused).abs().max() / readable.abs().max()).item()
    return (lambda: bn.backward(dout)), (lambda: fused_batchnorm_dx(bn, dout)), difference


def adam_pair(dims: list[int], seed: int = 0):
    nets = []
    for _ in range(2):
        g = torch.Generator().manual_seed(seed)
        net, loss = MLP(dims, "relu", generator=g), MSELoss()
        x, y = torch.randn(64, dims[0], generator=g), torch.randn(64, dims[-1], generator=g)
        loss.forward(net.forward(x), y)
        net.backward(loss.backward())  # fills the gradients once; every step reuses them
        nets.append(net)
    readable, fused = Adam(nets[0], lr=1e-3), FusedAdam(nets[1], lr=1e-3)
    for _ in range(10):
        readable.step()
        fused.step()
    difference = max(
        ((a - b).abs().max() / a.abs().max()).item()
        for a, b in zip(nets[0].parameters(), nets[1].parameters(), strict=True)
    )
    return readable.step, fused.step, difference


def main() -> None:
    args = parse_and_set_threads(__doc__.splitlines()[0])
    print(f"{'':<50}{'readable':>10}{'fused':>10}{'fused/readable':>16}")
    rows = [
        ("BatchNorm1d(512) backward, B=256", batchnorm_pair(256, 512)),
        ("Adam step, MLP [512, 512, 512, 10]", adam_pair([512, 512, 512, 10])),
        (
            "SGD train step, MLP [512, 512, 512, 10], B=256",
            train_step_pair([512, 512, 512, 10], 256),
        ),
        ("SGD train step, MLP [1, 64, 64, 1], B=64", train_step_pair([1, 64, 64, 1], 64)),
    ]
    for label, (readable, fused, difference) in rows:
        assert difference < 1e-5, (label, difference)  # float32: the same numbers to rounding
        t_readable, t_fused = compare(readable, fused, args.steps)
        print(
            f"{label:<50}{t_readable * 1e6:>7.0f} µs{t_fused * 1e6:>7.0f} µs"
            f"{t_fused / t_readable:>16.2f}   (max relative difference {difference:.0e})"
        )


if __name__ == "__main__":
    main()
