"""The learning explorers' data: training runs, optimizer paths, gradient flow.

As for the other explorers, two references: the library itself (a fresh run, written out here,
must give exactly what the explorer stores) and torch (autograd and torch.optim, in float64).
Three more checks concern the stored page: its size, and that nothing stored sits so close to a
rounding or quantisation edge, or to a stopping threshold, that the last bit in which two
machines' float64 results differ could change it. ``SCRATCHNN_NUMERIC_PATHS=1`` also recomputes
every payload with torch's plainest kernels, MKL's compatible path and two threads, in a
subprocess, and compares the bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

from course.explorers import gradient_flow as flow_mod
from course.explorers import optimizer_paths as paths_mod
from course.explorers import training as training_mod
from course.explorers._packing import TIE_SHIFT, levels, rounded_clear, unpack
from course.explorers.surfaces import SURFACES
from scratchnn import MLP, BCEWithLogitsLoss, Linear, sigmoid
from scratchnn.optim import SGD

F64 = torch.float64


# --------------------------------------------------------------------------------------------
# The whole computation, once per session (it is the explorers' precompute)


@pytest.fixture(scope="session")
def training_runs():
    return training_mod.training_runs()


@pytest.fixture(scope="session")
def training_payload(training_runs):
    return training_mod.training_payload(training_runs)


@pytest.fixture(scope="session")
def path_tables():
    return [paths_mod.surface_paths(s) for s in SURFACES]


@pytest.fixture(scope="session")
def paths_payload(path_tables):
    return paths_mod.paths_payload(path_tables)


@pytest.fixture(scope="session")
def flow_runs():
    return flow_mod.flow_runs()


@pytest.fixture(scope="session")
def flow_payload(flow_runs):
    return flow_mod.flow_payload(flow_runs)


def clear_of_edges(values, decimals: int, margin: float = 1e-8) -> bool:
    """No value within ``margin`` of a last-digit unit of rounded_clear's rounding edges.

    The edges sit TIE_SHIFT (1e-6) units above the decimal ties, so an exact tie passes; a value
    that float noise (≈ 1e-16 relative) could push across an edge does not.
    """
    for v in values:
        scaled = v * 10.0**decimals
        frac = scaled - math.floor(scaled)
        if abs(frac - (0.5 + TIE_SHIFT)) < margin:
            return False
    return True


# --------------------------------------------------------------------------------------------
# Training explorer


def fresh_training(dataset, noise, width, activation, lr, epochs):
    """The explorer's run written out from the library, independently of training.py."""
    x, y, x_val, y_val = training_mod.dataset_split(dataset, noise)
    model = MLP([2, width, width, 1], activation, generator=torch.Generator().manual_seed(2),
                dtype=F64)  # fmt: skip
    opt, loss = SGD(model, lr), BCEWithLogitsLoss()
    train, val, frames = [], [], []
    grid = training_mod.pixel_inputs()
    for epoch in range(epochs + 1):
        val.append(loss.forward(model.forward(x_val), y_val).item())
        if epoch % training_mod.FRAME_EVERY == 0:
            frames.append(sigmoid(model.forward(grid))[:, 0])
        train.append(loss.forward(model.forward(x), y).item())
        if epoch > 0 and train[-1] > train[0]:
            break
        model.backward(loss.backward(), need_dx=False)
        opt.step()
    return train, val, frames


SPOT_TRAINING = [
    ("moons", 0.25, 16, "tanh", 0.3),
    ("circles", 0.1, 4, "relu", 0.03),
    ("spiral", 0.1, 16, "relu", 0.3),
    ("xor", 0.25, 16, "tanh", 10.0),
]


@pytest.mark.parametrize("setting", SPOT_TRAINING)
def test_training_run_is_the_library_run(setting, training_runs, training_payload):
    index = training_mod.settings().index(setting)
    run = training_runs[index]
    train, val, frames = fresh_training(*setting, epochs=training_mod.EPOCHS)
    last = len(run.train_loss) - 1
    assert run.train_loss == train[: last + 1] and run.val_loss == val[: last + 1]
    for f, epoch in enumerate(run.frame_epochs):
        if epoch % training_mod.FRAME_EVERY == 0:
            assert torch.equal(run.frames[f], frames[epoch // training_mod.FRAME_EVERY])
    stored = training_payload["runs"][index]
    assert stored["train"] == rounded_clear(torch.tensor(train[: last + 1], dtype=F64), 3)
    assert stored["stopped"] == run.stopped
    assert unpack(stored["frames"]) == levels(run.frames, 0, 1, 64).reshape(-1).tolist()
    names = [axis.name for axis in training_mod.AXES]
    assert training_mod.lookup(training_payload, **dict(zip(names, setting, strict=True))) is stored


def test_training_matches_torch_autograd_and_sgd():
    """Ten epochs of the moons run, again in torch.nn.functional + torch.optim.SGD."""
    setting = ("moons", 0.25, 16, "tanh", 0.3)
    run = training_mod.train_run(*setting, epochs=10)
    x, y, _, _ = training_mod.dataset_split("moons", 0.25)
    net = training_mod.new_model(16, "tanh")
    params = [p.clone().requires_grad_(True) for p in net.parameters()]  # W1, b1, W2, b2, W3, b3
    opt = torch.optim.SGD(params, lr=0.3)
    losses = []
    for _ in range(11):
        h = x
        for k in range(0, 6, 2):
            h = h @ params[k] + params[k + 1]
            if k < 4:
                h = torch.tanh(h)
        value = F.binary_cross_entropy_with_logits(h, y)
        losses.append(value.item())
        opt.zero_grad()
        value.backward()
        opt.step()
    mine, reference = torch.tensor(run.train_loss, dtype=F64), torch.tensor(losses, dtype=F64)
    torch.testing.assert_close(mine, reference, rtol=1e-12, atol=1e-14)


def test_training_stop_rule_and_margins(training_runs):
    """lr 10 stops every run within 5 epochs; 0.03 and 0.3 never stop. No decision is close."""
    for setting, run in zip(training_mod.settings(), training_runs, strict=True):
        lr, start = setting[-1], run.train_loss[0]
        if lr == 10.0:
            assert run.stopped is not None and run.stopped <= 5, setting
        else:
            assert run.stopped is None and len(run.train_loss) == training_mod.EPOCHS + 1
        # The stop decision (loss > its start) is nowhere near a tie.
        assert all(abs(v - start) > 1e-9 for v in run.train_loss[1:]), setting
        assert clear_of_edges(run.train_loss + run.val_loss, training_mod.DIGITS), setting
        # Heatmap level edges at the whole numbers 1 … 63 (0 and 64 are the ends of [0, 1]).
        scaled = run.frames * training_mod.LEVELS
        inner = (scaled.round() >= 1) & (scaled.round() <= training_mod.LEVELS - 1)
        off = (scaled - scaled.round()).abs()
        assert bool(((off > 1e-8) | (off == 0) | ~inner).all()), setting


def test_training_teaches_what_the_caption_says(training_runs):
    by = dict(zip(training_mod.settings(), training_runs, strict=True))
    assert by["moons", 0.25, 16, "tanh", 0.3].train_acc[-1] > 0.85
    # On the circles: lr 0.3 separates them with 16 units, 4 do worse, lr 0.03 barely moves.
    good = by["circles", 0.1, 16, "tanh", 0.3]
    assert good.train_acc[-1] == 1.0
    assert by["circles", 0.1, 4, "tanh", 0.3].train_acc[-1] < 0.95
    slow = by["circles", 0.1, 16, "tanh", 0.03]
    assert slow.train_acc[-1] < 0.6 and slow.train_loss[-1] > 5 * good.train_loss[-1]


def test_training_payload_shape(training_payload):
    runs = training_payload["runs"]
    assert len(runs) == 96 == len(training_mod.settings())
    pixels = training_mod.PIXELS**2
    for run in runs:
        frames = len(run["frames"]) // pixels
        assert len(run["frames"]) == frames * pixels and frames == len(run["train_acc"])
        if run["stopped"] is None:
            assert frames == training_mod.EPOCHS // training_mod.FRAME_EVERY + 1
            assert len(run["train"]) == training_mod.EPOCHS + 1


# --------------------------------------------------------------------------------------------
# Optimizer-paths explorer


def test_surface_gradients_match_autograd():
    for surface in SURFACES:
        w = torch.tensor([0.7, -1.3], dtype=F64, requires_grad=True)
        (grad,) = torch.autograd.grad(surface.loss(w), w)
        torch.testing.assert_close(surface.grad(w.detach()), grad, rtol=1e-14, atol=1e-14)
    basins = SURFACES[2]
    w_star = torch.tensor(basins.minimum(), dtype=F64)
    assert basins.grad(w_star).abs().max() < 1e-14
    assert basins.loss(w_star) < basins.loss(torch.tensor([0.96, 0.0], dtype=F64))  # deeper


def torch_path(surface, name, lr, beta, steps):
    w = torch.tensor(surface.start, dtype=F64, requires_grad=True)
    opt = {
        "SGD": lambda: torch.optim.SGD([w], lr=lr),
        "Momentum": lambda: torch.optim.SGD([w], lr=lr, momentum=beta),
        "Nesterov": lambda: torch.optim.SGD([w], lr=lr, momentum=beta, nesterov=True),
        "RMSProp": lambda: torch.optim.RMSprop([w], lr=lr, alpha=0.99, eps=1e-8),
        "Adam": lambda: torch.optim.Adam([w], lr=lr, betas=(beta, 0.999), eps=1e-8),
    }[name]()
    path = [w.detach().clone()]
    for _ in range(steps):
        w.grad = surface.grad(w.detach())
        opt.step()
        path.append(w.detach().clone())
    return torch.stack(path)


@pytest.mark.parametrize("name", paths_mod.OPTIMIZERS)
@pytest.mark.parametrize(("surface", "lr", "beta"), [(1, 0.012, 0.9), (2, 0.05, 0.8)])
def test_paths_match_torch_optim(name, surface, lr, beta):
    path, exit_step = paths_mod.descend(SURFACES[surface], name, lr, beta)
    assert exit_step is None
    reference = torch_path(SURFACES[surface], name, lr, beta, paths_mod.STEPS)
    torch.testing.assert_close(path, reference, rtol=1e-10, atol=1e-12)


def test_paths_payload_is_the_library_paths(path_tables, paths_payload):
    for s, surface in enumerate(SURFACES):
        for name in paths_mod.OPTIMIZERS:
            for li, by_lr in enumerate(path_tables[s][name]):
                for bi, (path, exit_step) in enumerate(by_lr):
                    setting = {"surface": surface.name, "optimizer": name}
                    setting |= {"lr": paths_mod.LRS[li], "beta": paths_mod.BETAS[bi]}
                    stored = paths_mod.lookup(paths_payload, **setting)
                    assert stored["exit"] == exit_step
                    assert stored["reached"] == paths_mod.first_within(surface, path)
                    assert stored["loss"] == rounded_clear(surface.loss(path), paths_mod.DIGITS)
                    assert len(unpack(stored["xy"], 2)) == 2 * len(path)
    # A fresh run of one setting gives the same table entry.
    fresh = paths_mod.descend(SURFACES[0], "Adam", 0.3, 0.9)
    path, exit_step = path_tables[0]["Adam"][paths_mod.LRS.index(0.3)][paths_mod.BETAS.index(0.9)]
    assert torch.equal(fresh[0], path) and fresh[1] == exit_step


def test_paths_are_clear_of_every_edge(path_tables):
    """Tolerance, square, coordinate levels and loss digits: no stored decision is a near-tie."""
    for s, surface in enumerate(SURFACES):
        x0, x1, y0, y1 = surface.box
        w_star = torch.tensor(surface.minimum(), dtype=F64)
        for name in paths_mod.OPTIMIZERS:
            for by_lr in path_tables[s][name]:
                for path, _ in by_lr:
                    distance = (path - w_star).norm(dim=1)
                    assert ((distance - paths_mod.TOL).abs() > 1e-9).all(), (surface.name, name)
                    edges = torch.tensor([x0, x1], dtype=F64), torch.tensor([y0, y1], dtype=F64)
                    for coord, edge in zip(path.T, edges, strict=True):
                        assert ((coord[:, None] - edge).abs() > 1e-9).all()
                        span = float(edge[1] - edge[0])
                        scaled = (coord - edge[0]) / span * paths_mod.COORD_LEVELS
                        off = (scaled - scaled.floor() - 0.5).abs()
                        assert (off > 1e-7).all(), (surface.name, name)
                    assert clear_of_edges(surface.loss(path).tolist(), paths_mod.DIGITS)


def test_paths_show_the_chapters_stability_limits(paths_payload):
    """On the valley SGD diverges above 2/λ_max = 0.02 and not below; Nesterov (μ = 0.9) above
    2(1 + μ)/((1 + 2μ)·λ_max) ≈ 0.0136; heavy-ball momentum above 2(1 + μ)/λ_max = 0.038."""

    def exits(optimizer, lr):
        setting = {"surface": "valley", "optimizer": optimizer, "lr": lr, "beta": 0.9}
        return paths_mod.lookup(paths_payload, **setting)["exit"] is not None

    for lr in paths_mod.LRS:
        assert exits("SGD", lr) == (lr > 0.02), lr
        assert exits("Nesterov", lr) == (lr > 0.0136), lr
        assert exits("Momentum", lr) == (lr > 0.038), lr


def test_paths_payload_size_and_contours(paths_payload):
    for surface in paths_payload["surfaces"]:
        assert len(surface["contours"]) >= 5
        assert all(c["lines"] for c in surface["contours"])


# --------------------------------------------------------------------------------------------
# Gradient-flow explorer


def torch_probe(model):
    """RMS of each activation and ‖∂L/∂W‖ of each Linear, with torch.nn.functional + autograd."""
    x, y = flow_mod.digits_train()
    h = x[: flow_mod.PROBE_ROWS]
    weights, rms = [], []
    acts = {
        "Sigmoid": torch.sigmoid,
        "Tanh": torch.tanh,
        "ReLU": F.relu,
        "GELU": lambda t: F.gelu(t, approximate="tanh"),
    }
    for layer in model.layers:
        kind = type(layer).__name__
        if isinstance(layer, Linear):
            W = layer.W.clone().requires_grad_(True)
            weights.append(W)
            h = h @ W + layer.b
        elif kind == "BatchNorm1d":
            h = F.batch_norm(h, None, None, layer.gamma, layer.beta, training=True, eps=layer.eps)
        else:
            h = acts[kind](h)
            rms.append(h.square().mean().sqrt().item())
    loss = F.cross_entropy(h, y[: flow_mod.PROBE_ROWS])
    grads = torch.autograd.grad(loss, weights)
    return rms, [g.norm().item() for g in grads], loss.item()


@pytest.mark.parametrize(
    "setting",
    [("sigmoid", "xavier", 1.0, False), ("gelu", "he", 1.5, True), ("relu", "xavier", 0.5, False)],
)
def test_flow_probe_matches_torch_autograd(setting):
    model = flow_mod.deep_net(*setting)
    rms, grads, loss = torch_probe(model)
    mine = flow_mod.probe(model)
    as64 = lambda values: torch.tensor(values, dtype=F64)  # noqa: E731
    torch.testing.assert_close(as64(mine.rms), as64(rms), rtol=1e-10, atol=0)
    torch.testing.assert_close(as64(mine.grad), as64(grads), rtol=1e-8, atol=0)
    assert mine.loss == pytest.approx(loss, rel=1e-12)


def test_flow_payload_is_the_library_runs(flow_runs, flow_payload):
    names = [axis.name for axis in flow_mod.AXES]
    for index, setting in enumerate(flow_mod.settings()):
        assert flow_mod.AXES.index(**dict(zip(names, setting, strict=True))) == index
    for setting in [("tanh", "he", 0.75, False), ("relu", "he", 2.0, False)]:
        index = flow_mod.settings().index(setting)
        fresh = flow_mod.flow_run(*setting)
        assert fresh == flow_runs[index]
        stored = flow_payload["runs"][index]
        assert [flow_mod._probe_payload(p) for p in fresh.probes] == stored["probes"]


def test_flow_values_are_clear_of_edges(flow_runs):
    for setting, run in zip(flow_mod.settings(), flow_runs, strict=True):
        for losses in run.batch_losses:
            assert all(abs(v / flow_mod.LOSS_LIMIT - 1) > 1e-6 for v in losses), setting
        for p in run.probes:
            for v in [*p.rms, *p.grad]:
                if v > 0:
                    decimals = flow_mod.SIGNIFICANT - 1 - math.floor(math.log10(v))
                    assert clear_of_edges([v], decimals), (setting, v)
            assert clear_of_edges([p.loss], 4)


def test_flow_teaches_what_the_chapter_says(flow_payload):
    runs = flow_payload["runs"]

    def run(a, i, s, bn):
        return flow_mod.lookup(flow_payload, activation=a, init=i, scale=s, batchnorm=bn)

    def at(a, i, s, bn, epoch=0):
        return run(a, i, s, bn)["probes"][epoch]

    # Sigmoid: the gradient vanishes on the way back, by many orders of magnitude.
    assert float(at("sigmoid", "xavier", 1.0, False)["grad_ratio"]) < 1e-6
    # ReLU with Xavier: the signal fades forward; He keeps it (within a factor of 3).
    assert float(at("relu", "xavier", 1.0, False)["act_ratio"]) < 0.05
    assert 1 / 3 < float(at("relu", "he", 1.0, False)["act_ratio"]) < 3
    # Chaotic tanh settings are stored at initialisation only, and only they.
    for setting, stored in zip(flow_mod.settings(), runs, strict=True):
        assert stored["chaotic"] == flow_mod.is_chaotic(*setting)
        assert len(stored["probes"]) == (1 if stored["chaotic"] else len(stored["probes"]))
    assert sum(stored["chaotic"] for stored in runs) == 3  # tanh: Xavier × 2, He × 1.5, He × 2
    # BatchNorm keeps every activation's size near 1 whatever the init and scale.
    for s in flow_mod.SCALES:
        assert 0.5 < float(at("relu", "xavier", s, True)["act_ratio"]) < 2
    # Too large an init with ReLU and no BatchNorm: training diverges in the first epoch.
    assert run("relu", "he", 2.0, False)["diverged"]["epoch"] == 1


# --------------------------------------------------------------------------------------------
# The stored page


@pytest.mark.skipif(
    os.environ.get("SCRATCHNN_NUMERIC_PATHS") != "1",
    reason="set SCRATCHNN_NUMERIC_PATHS=1 to recompute on a second numeric path (slow)",
)
def test_payloads_are_identical_on_another_numeric_path(
    training_payload, paths_payload, flow_payload
):
    """The plainest kernels, MKL's compatible path, two threads: the same bytes."""
    script = (
        "import hashlib, json\n"
        "from course.explorers import gradient_flow, optimizer_paths, training\n"
        "for make in (training.training_payload, optimizer_paths.paths_payload,"
        " gradient_flow.flow_payload):\n"
        "    text = json.dumps(make(), allow_nan=False, sort_keys=True)\n"
        "    print(hashlib.sha256(text.encode()).hexdigest())\n"
    )
    env = dict(os.environ, ATEN_CPU_CAPABILITY="default", MKL_CBWR="COMPATIBLE",
               OMP_NUM_THREADS="2", MKL_NUM_THREADS="2")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True).stdout.split()  # fmt: skip
    here = [
        hashlib.sha256(json.dumps(p, allow_nan=False, sort_keys=True).encode()).hexdigest()
        for p in (training_payload, paths_payload, flow_payload)
    ]
    assert out == here
