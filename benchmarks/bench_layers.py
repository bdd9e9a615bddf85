"""An Adam step and a BatchNorm1d forward+backward, scratchnn against torch, side by side.

Same shapes, same threads, one process, alternating rounds after a warm-up (``compare`` from
bench_train_step.py), medians. Prints each median and the ratio scratchnn / torch (lower is better).

    python benchmarks/bench_layers.py [--steps 200] [--threads 2]

Adam: the parameters of MLP [512, 512, 512, 10] (six tensors, 530k numbers, float32), against
torch.optim.Adam's default implementation on CPU (a Python loop over tensors, like ours) and, for
context, its ``foreach`` (multi-tensor) and ``fused`` (one C++ kernel per tensor) variants.
BatchNorm1d: training-mode forward + backward (dx, dγ, dβ) at B=256, N=512, against
torch.nn.BatchNorm1d + autograd.
ReLU backward at B=256, N=512: ``ReLU``'s dout·sign(y) against the two ways of masking with a bool
tensor, ``torch.where(y > 0, dout, 0)`` and ``dout * (y > 0)`` (the ReLU docstring's claim).
"""

from __future__ import annotations

import torch
from bench_train_step import (  # this folder is on sys.path when run as a script
    compare,
    parse_and_set_threads,
)

from scratchnn import MLP, MSELoss, ReLU
from scratchnn.batchnorm import BatchNorm1d
from scratchnn.optim import Adam


def adam_steps(dims: list[int], seed: int = 0):
    """Our Adam on an MLP's parameters, and torch.optim.Adam variants on copies of them."""
    g = torch.Generator().manual_seed(seed)
    net = MLP(dims, "relu", generator=g)
    loss = MSELoss()
    x, y = torch.randn(64, dims[0], generator=g), torch.randn(64, dims[-1], generator=g)
    loss.forward(net.forward(x), y)
    net.backward(loss.backward())  # fills the gradients once; every step reuses them
    ours = Adam(net, lr=1e-3)

    def torch_adam(**impl):
        params = [p.clone().requires_grad_() for p in net.parameters()]
        for p, grad in zip(params, net.gradients(), strict=True):
            p.grad = grad.clone()
        return torch.optim.Adam(params, lr=1e-3, **impl)

    variants = {"default": {}, "foreach": {"foreach": True}, "fused": {"fused": True}}
    return ours.step, {name: torch_adam(**impl).step for name, impl in variants.items()}


def batchnorm_steps(B: int, N: int, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(B, N, generator=g) * 3 + 1
    dout = torch.randn(B, N, generator=g)
    ours = BatchNorm1d(N)
    ref = torch.nn.BatchNorm1d(N)
    x_ref = x.clone().requires_grad_()
    inputs = (x_ref, ref.weight, ref.bias)

    def ours_step():
        ours.forward(x)
        return ours.backward(dout)

    def torch_step():
        return torch.autograd.grad(ref(x_ref), inputs, dout)  # dx, dγ, dβ

    return ours_step, torch_step


def relu_backward_steps(B: int, N: int, seed: int = 0):
    """ReLU's backward as written, and the two bool-mask forms it is compared with."""
    g = torch.Generator().manual_seed(seed)
    relu = ReLU()
    relu.forward(torch.randn(B, N, generator=g))
    dout = torch.randn(B, N, generator=g)
    y = relu._y  # the cached output: the mask is y > 0
    return (
        lambda: relu.backward(dout),
        {
            "torch.where(y > 0, dout, 0)": lambda: torch.where(y > 0, dout, 0.0),
            "dout * (y > 0)": lambda: dout * (y > 0),
        },
    )


def row(label: str, t_ours: float, t_ref: float) -> str:
    return f"{label:<34}{t_ours * 1e6:>9.0f} µs{t_ref * 1e6:>9.0f} µs{t_ours / t_ref:>8.2f}"


def main() -> None:
    args = parse_and_set_threads(__doc__.splitlines()[0])
    print(f"{'':<34}{'scratchnn':>12}{'torch':>12}{'ratio':>8}")
    dims = [512, 512, 512, 10]
    print(f"Adam step on the parameters of MLP {dims}:")
    ours, theirs = adam_steps(dims)
    for name, step in theirs.items():
        t_ours, t_ref = compare(ours, step, args.steps)
        print(row(f"  vs torch.optim.Adam, {name}", t_ours, t_ref))
    print("BatchNorm1d(512) training forward+backward, B=256:")
    t_ours, t_ref = compare(*batchnorm_steps(256, 512), args.steps)
    print(row("  vs torch.nn.BatchNorm1d+autograd", t_ours, t_ref))
    print("ReLU backward, B=256, N=512, dout·sign(y) against masking with a bool tensor:")
    ours, masks = relu_backward_steps(256, 512)
    for name, mask in masks.items():
        t_ours, t_ref = compare(ours, mask, args.steps)
        print(row(f"  vs {name}", t_ours, t_ref))


if __name__ == "__main__":
    main()
