"""One SGD training step, scratchnn against torch.nn + autograd + torch.optim.SGD, side by side.

Both models start from the same weights, see the same batches, use the same threads, and are timed
in alternating rounds in one process, so that machine noise hits both alike. The scratchnn step is
written as the README writes it:

    loss = criterion.forward(model.forward(x), y)
    model.backward(criterion.backward())
    model.step(lr)

For each model it prints the median step time of scratchnn, of torch, and of the step's matrix
multiplies run bare (the same products, shapes and layouts, nothing else: the "matmul floor"),
then the ratios scratchnn / torch and scratchnn / floor (lower is better; the floor ratio is the
cost of everything that is not a matrix multiply). Last, the GFLOP/s that ``Linear`` forward +
backward reaches against a bare matrix multiply of the same size.

    python benchmarks/bench_train_step.py [--steps 200] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch

from scratchnn import MLP, Linear, MSELoss, SoftmaxCELoss, linear_flops

F32, F64 = torch.float32, torch.float64
CONFIGS = [  # (dims, batch, loss, dtype)
    ([512, 512, 512, 10], 256, "mse", F32),
    ([512, 512, 512, 10], 256, "ce", F32),
    ([512, 512, 512, 10], 256, "mse", F64),
    ([512, 512, 512, 10], 256, "ce", F64),
    ([1, 64, 64, 1], 64, "mse", F32),
]


def torch_model(net: MLP) -> torch.nn.Sequential:
    """The same network in torch.nn, with our weights copied in (torch stores W transposed)."""
    layers: list[torch.nn.Module] = []
    for layer in net.layers:
        if isinstance(layer, Linear):
            lin = torch.nn.Linear(layer.in_features, layer.out_features, dtype=layer.W.dtype)
            with torch.no_grad():
                lin.weight.copy_(layer.W.T)
                lin.bias.copy_(layer.b)
            layers.append(lin)
        else:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def make_steps(dims, batch, loss_name, dtype=F32, seed=0):
    """Three callables: our step, torch's step, and the bare matrix multiplies of our step."""
    g = torch.Generator().manual_seed(seed)
    net = MLP(dims, "relu", generator=g, dtype=dtype)
    ref = torch_model(net)
    opt = torch.optim.SGD(ref.parameters(), lr=1e-3)
    x = torch.randn(batch, dims[0], generator=g, dtype=dtype)
    if loss_name == "mse":
        y = torch.randn(batch, dims[-1], generator=g, dtype=dtype)
        ours_loss, ref_loss = MSELoss(), torch.nn.MSELoss()
    else:
        y = torch.randint(0, dims[-1], (batch,), generator=g)
        ours_loss, ref_loss = SoftmaxCELoss(), torch.nn.CrossEntropyLoss()

    def ours() -> torch.Tensor:
        loss = ours_loss.forward(net.forward(x), y)
        net.backward(ours_loss.backward())  # as the README writes it: no extra argument
        net.step(1e-3)
        return loss

    def theirs() -> torch.Tensor:
        opt.zero_grad(set_to_none=True)
        loss = ref_loss(ref(x), y)
        loss.backward()
        opt.step()
        return loss

    return ours, theirs, matmul_floor(net, x, g)


def matmul_floor(net: MLP, x: torch.Tensor, g: torch.Generator) -> Callable[[], None]:
    """The matrix multiplies of one scratchnn step, bare: forward Y = addmm(b, X, W) for every
    layer, dW = Xᵀ·dY for every layer, dX = dY·Wᵀ for every layer but the first (its input is
    data). The same shapes, dtypes and memory layouts as the step itself."""
    linears = [layer for layer in net.layers if isinstance(layer, Linear)]
    B, dtype = x.shape[0], x.dtype
    inputs = [x] + [
        torch.randn(B, lin.in_features, generator=g, dtype=dtype) for lin in linears[1:]
    ]
    douts = [torch.randn(B, lin.out_features, generator=g, dtype=dtype) for lin in linears]

    def bare() -> None:
        for lin, h in zip(linears, inputs, strict=True):
            torch.addmm(lin.b, h, lin.W)
        for h, dout in zip(inputs, douts, strict=True):
            h.T @ dout
        for lin, dout in zip(linears[1:], douts[1:], strict=True):
            dout @ lin.W.T

    return bare


def timed(fn, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def compare_many(fns, steps: int, warmup: int = 20, rounds: int = 10) -> list[float]:
    """Median seconds per call of each function, timed in interleaved rounds after a warm-up."""
    for fn in fns:
        timed(fn, warmup)
    samples: list[list[float]] = [[] for _ in fns]
    per_round = max(1, steps // rounds)
    for _ in range(rounds):
        for fn, times in zip(fns, samples, strict=True):
            times += timed(fn, per_round)
    return [statistics.median(times) for times in samples]


def compare(fn_a, fn_b, steps: int, warmup: int = 20, rounds: int = 10) -> tuple[float, float]:
    """Median seconds per call of each of two functions (see ``compare_many``)."""
    t_a, t_b = compare_many([fn_a, fn_b], steps, warmup, rounds)
    return t_a, t_b


def linear_gflops(B: int, M: int, N: int, steps: int) -> tuple[float, float]:
    """GFLOP/s of Linear forward+backward (with dx) and of a bare (B,M)@(M,N) matmul."""
    g = torch.Generator().manual_seed(1)
    lin = Linear(M, N, generator=g)
    x, dout = torch.randn(B, M, generator=g), torch.randn(B, N, generator=g)
    W = lin.W.clone()

    def layer():
        lin.forward(x)
        lin.backward(dout)

    def matmul():
        torch.mm(x, W)

    t_layer, t_mm = compare(layer, matmul, steps)
    return (
        linear_flops(B, M, N).total / t_layer / 1e9,
        2 * B * M * N / t_mm / 1e9,
    )


def parse_and_set_threads(description: str) -> argparse.Namespace:
    """The benchmarks' shared command line: --steps and --threads (applied), then a header line."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.steps} steps each")
    return args


def main() -> None:
    args = parse_and_set_threads(__doc__.splitlines()[0])
    print(
        f"{'model':<20}{'B':>4} {'loss':<5}{'dtype':<8}{'scratchnn':>11}{'torch':>11}"
        f"{'matmuls':>11}{'/torch':>8}{'/floor':>8}"
    )
    for dims, batch, loss_name, dtype in CONFIGS:
        t_ours, t_theirs, t_floor = compare_many(
            make_steps(dims, batch, loss_name, dtype), args.steps
        )
        print(
            f"{dims!s:<20}{batch:>4} {loss_name:<5}{str(dtype)[6:]:<8}"
            f"{t_ours * 1e6:>8.0f} µs{t_theirs * 1e6:>8.0f} µs{t_floor * 1e6:>8.0f} µs"
            f"{t_ours / t_theirs:>8.2f}{t_ours / t_floor:>8.2f}"
        )
    B, M, N = 256, 512, 512
    layer_rate, mm_rate = linear_gflops(B, M, N, args.steps)
    print(
        f"Linear({M}, {N}) forward+backward at B={B}: {layer_rate:.1f} GFLOP/s; "
        f"bare matmul: {mm_rate:.1f} GFLOP/s; ratio {layer_rate / mm_rate:.2f}"
    )


if __name__ == "__main__":
    main()
