"""One SGD training step, scratchnn against torch.nn + autograd + torch.optim.SGD, side by side.

Both models start from the same weights, see the same batches, use the same threads, and are timed
in alternating rounds in one process, so that machine noise hits both alike. Prints the median
step time of each and the ratio scratchnn / torch (lower is better), then the GFLOP/s that
``Linear`` forward + backward reaches against a bare matrix multiply of the same size.

    python benchmarks/bench_train_step.py [--steps 200] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from scratchnn import MLP, Linear, MSELoss, SoftmaxCELoss, linear_flops

CONFIGS = [  # (dims, batch, loss)
    ([1, 64, 64, 1], 64, "mse"),
    ([512, 512, 512, 10], 256, "ce"),
]


def torch_model(net: MLP) -> torch.nn.Sequential:
    """The same network in torch.nn, with our weights copied in (torch stores W transposed)."""
    layers: list[torch.nn.Module] = []
    for layer in net.layers:
        if isinstance(layer, Linear):
            lin = torch.nn.Linear(layer.in_features, layer.out_features)
            with torch.no_grad():
                lin.weight.copy_(layer.W.T)
                lin.bias.copy_(layer.b)
            layers.append(lin)
        else:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def make_steps(dims, batch, loss_name, seed=0):
    g = torch.Generator().manual_seed(seed)
    net = MLP(dims, "relu", generator=g)
    ref = torch_model(net)
    opt = torch.optim.SGD(ref.parameters(), lr=1e-3)
    x = torch.randn(batch, dims[0], generator=g)
    if loss_name == "mse":
        y = torch.randn(batch, dims[-1], generator=g)
        ours_loss, ref_loss = MSELoss(), torch.nn.MSELoss()
    else:
        y = torch.randint(0, dims[-1], (batch,), generator=g)
        ours_loss, ref_loss = SoftmaxCELoss(), torch.nn.CrossEntropyLoss()

    def ours() -> float:
        loss = ours_loss.forward(net.forward(x), y)
        net.backward(ours_loss.backward(), need_dx=False)  # the input is data: no dx
        net.step(1e-3)
        return loss

    def theirs() -> float:
        opt.zero_grad(set_to_none=True)
        loss = ref_loss(ref(x), y)
        loss.backward()
        opt.step()
        return loss

    return ours, theirs


def timed(fn, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def compare(fn_a, fn_b, steps: int, warmup: int = 20, rounds: int = 10) -> tuple[float, float]:
    """Median seconds per call of each, timed in interleaved rounds after a warm-up."""
    timed(fn_a, warmup)
    timed(fn_b, warmup)
    a, b = [], []
    per_round = max(1, steps // rounds)
    for _ in range(rounds):
        a += timed(fn_a, per_round)
        b += timed(fn_b, per_round)
    return statistics.median(a), statistics.median(b)


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
    print(f"{'model':<22}{'B':>5}{'scratchnn':>13}{'torch':>13}{'ratio':>8}")
    for dims, batch, loss_name in CONFIGS:
        ours, theirs = make_steps(dims, batch, loss_name)
        t_ours, t_theirs = compare(ours, theirs, args.steps)
        print(
            f"{dims!s:<22}{batch:>5}{t_ours * 1e6:>10.0f} µs{t_theirs * 1e6:>10.0f} µs"
            f"{t_ours / t_theirs:>8.2f}"
        )
    B, M, N = 256, 512, 512
    layer_rate, mm_rate = linear_gflops(B, M, N, args.steps)
    print(
        f"Linear({M}, {N}) forward+backward at B={B}: {layer_rate:.1f} GFLOP/s; "
        f"bare matmul: {mm_rate:.1f} GFLOP/s; ratio {layer_rate / mm_rate:.2f}"
    )


if __name__ == "__main__":
    main()
