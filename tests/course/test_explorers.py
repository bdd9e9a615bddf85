"""The explorers' data: every number a view can show is the library's, at every slider position.

Two references, as everywhere in the tests: the library itself (the explorer must show exactly
what ``forward``/``backward`` return) and torch in float64 (autograd, torch.nn.functional), so a
wrong number cannot hide in both the library and the explorer.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from reference import TORCH_ACTIVATIONS

import course.explorers
import scratchnn
from course.explorers import activation as activation_mod
from course.explorers import (
    activation_explorer,
    activation_table,
    forward_pass_explorer,
    forward_pass_network,
    forward_table,
    loss_explorer,
    loss_table,
)
from course.explorers import forward_pass as forward_mod
from course.explorers import loss as loss_mod
from course.explorers._common import Explorer, round_decimals
from scratchnn import ACTIVATIONS, MLP, BCELoss, HuberLoss, MAELoss, MSELoss

EXPLORERS = [activation_explorer, forward_pass_explorer, loss_explorer]

# --------------------------------------------------------------------------------------------
# The grid that stands for a slider


@pytest.mark.parametrize(
    "grid", [activation_mod.X_GRID, forward_mod.INPUT_GRID, loss_mod.EPS_GRID, loss_mod.DELTA_GRID]
)
def test_grid_is_the_sliders_positions(grid):
    values = grid.values()
    assert len(values) == grid.n
    assert values[0] == grid.lo and values[-1] == grid.hi
    for i, v in enumerate(values):
        assert v == float(f"{v:.2f}")  # the float nearest its 2-decimal value: 0.15, not 0.15…02
        assert grid.index(v) == i


def test_grid_sizes_match_the_brief():
    assert activation_mod.X_GRID.n == 201
    assert forward_mod.INPUT_GRID.n == 41
    assert loss_mod.EPS_GRID.n == 121
    assert loss_mod.DELTA_GRID.n == 30


@given(st.integers(0, 200), st.floats(-0.49, 0.49))
def test_grid_index_snaps_to_the_nearest_point(i, offset):
    grid = activation_mod.X_GRID
    assert grid.index(grid.values()[i] + offset * grid.step) == i


@given(st.floats(-100, 100, allow_nan=False), st.sampled_from([1, 2, 3, 4]))
def test_round_decimals_prints_exactly_like_python(value, digits):
    """The view prints round_decimals(v).toFixed(d): it must read as Python's f"{v:.{d}f}"."""
    r = round_decimals(torch.tensor(value, dtype=torch.float64), digits)
    expected = f"{value:.{digits}f}"
    if float(expected) == 0.0:
        expected = expected.lstrip("-")  # the view never prints −0.000
    assert f"{r:.{digits}f}" == expected
    assert math.copysign(1.0, r) == 1.0 or r != 0.0  # no negative zero reaches the page


# --------------------------------------------------------------------------------------------
# Activation explorer


def test_activation_table_is_each_activations_forward_and_backward():
    table = activation_table()
    x = activation_mod.X_GRID.tensor()
    assert table.names == list(ACTIVATIONS)
    assert table.f.shape == table.df.shape == table.saturated.shape == (len(ACTIVATIONS), 201)
    assert table.labels == [cls.label for cls in ACTIVATIONS.values()]
    for a, cls in enumerate(ACTIVATIONS.values()):
        act = cls()
        assert torch.equal(table.f[a], act.forward(x))
        assert torch.equal(table.df[a], act.backward(torch.ones_like(x)))
        assert torch.equal(table.saturated[a], table.df[a].abs() < 0.1)


def test_activation_table_matches_torch_autograd():
    table = activation_table()
    x = table.x.clone().requires_grad_(True)
    for a, name in enumerate(table.names):
        y = TORCH_ACTIVATIONS[name](x)
        (grad,) = torch.autograd.grad(y.sum(), x)
        torch.testing.assert_close(table.f[a], y.detach(), rtol=1e-12, atol=1e-14)
        torch.testing.assert_close(table.df[a], grad, rtol=1e-12, atol=1e-14)


def test_activation_known_points():
    table = activation_table()
    i0 = activation_mod.X_GRID.index(0.0)
    sig, relu = table.names.index("sigmoid"), table.names.index("relu")
    assert table.f[sig, i0].item() == 0.5 and table.df[sig, i0].item() == 0.25
    assert table.df[relu, i0].item() == 0.0  # ReLU'(0) = 0, as torch
    # σ' = σ(1 − σ) = 0.1 at σ = (1 ± √0.6)/2, i.e. |x| = log((1 + √0.6)/(1 − √0.6)) ≈ 2.063:
    # sigmoid units saturate from |x| ≈ 2.06 on, well before the |x| > 3 of the article's summary.
    edge = math.log((1 + math.sqrt(0.6)) / (1 - math.sqrt(0.6)))
    assert edge == pytest.approx(2.0634, abs=1e-4)
    x = activation_mod.X_GRID.values()
    assert table.saturated[sig].tolist() == [abs(xi) > edge for xi in x]


def test_activation_payload_is_the_table_rounded_for_display():
    data = activation_explorer().data
    table = activation_table()
    assert data["x"] == activation_mod.X_GRID.values()
    assert data["names"] == list(ACTIVATIONS)
    assert data["labels"] == [cls.label for cls in ACTIVATIONS.values()]
    for a in range(len(ACTIVATIONS)):
        assert data["f"][a] == round_decimals(table.f[a], activation_mod.DIGITS)
        assert data["df"][a] == round_decimals(table.df[a], activation_mod.DIGITS)
        assert data["saturated"][a] == "".join("1" if s else "0" for s in table.saturated[a])


class Softplus(scratchnn.Activation):
    """An activation the registry does not hold: log(1 + e^x), derivative σ(x)."""

    label = "Softplus (a test's)"

    def _forward(self, x):
        self._x = x
        return torch.logaddexp(x, torch.zeros_like(x))

    def _backward(self, dout):
        return dout * scratchnn.sigmoid(self._x)


@pytest.fixture
def with_softplus(monkeypatch):
    """The registry with one more activation, "test_softplus", for the test's duration (a name
    no real activation will take, so that the test keeps working when one is added)."""
    registry = {**scratchnn.activations.ACTIVATIONS, "test_softplus": Softplus}
    monkeypatch.setattr(scratchnn.activations, "ACTIVATIONS", registry)
    monkeypatch.setattr(scratchnn, "ACTIVATIONS", registry)
    return registry


def test_activation_explorer_follows_the_registry(with_softplus):
    """An activation added to the registry is in the table, the payload and the dropdown, with
    its own label and its own forward and backward: nothing under course/ lists activations."""
    table = activation_table()
    assert table.names == [*ACTIVATIONS, "test_softplus"] == list(with_softplus)
    assert table.labels[-1] == Softplus.label
    x = activation_mod.X_GRID.tensor()
    torch.testing.assert_close(table.f[-1], F.softplus(x), rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(table.df[-1], torch.sigmoid(x), rtol=1e-12, atol=1e-14)
    assert torch.equal(table.saturated[-1], table.df[-1] < 0.1)

    explorer = activation_explorer("test_softplus", 1.0)
    assert repr(explorer).startswith(f"ActivationExplorer({len(with_softplus)} activations")
    dropdown, _slider = explorer.controls
    assert dropdown["kind"] == "dropdown" and dropdown["name"] == "activation"
    assert dropdown["texts"] == [c.label for c in with_softplus.values()]
    assert explorer.activation == len(with_softplus) - 1
    data = explorer.data
    assert data["names"][-1] == "test_softplus" and data["labels"][-1] == Softplus.label
    for key in ("f", "df", "saturated", "ylim"):
        assert len(data[key]) == len(with_softplus), key
    assert data["f"][-1] == round_decimals(table.f[-1], activation_mod.DIGITS)
    assert data["df"][-1] == round_decimals(table.df[-1], activation_mod.DIGITS)
    i = activation_mod.X_GRID.index(0.0)
    assert data["f"][-1][i] == round(math.log(2.0), activation_mod.DIGITS)
    assert data["df"][-1][i] == 0.5
    lo, hi = data["ylim"][-1]
    assert lo < 0.0 and hi > max(data["f"][-1])  # softplus(5) ≈ 5.0067 is on the plot


def test_activation_view_names_no_activation():
    """The view's JavaScript draws whatever the payload lists: no activation's name, label or
    count is written in it, and neither the docstrings nor the caption count them in words."""
    here = Path(course.explorers.__file__).parent
    script = (here / "plot.js").read_text() + (here / "activation.js").read_text()
    for name, cls in ACTIVATIONS.items():
        for word in (name, cls.label):
            assert f'"{word}"' not in script and f"'{word}'" not in script, word
    assert "seven" not in (here / "activation.py").read_text().lower()
    assert "seven" not in activation_explorer().caption.lower()


# --------------------------------------------------------------------------------------------
# Forward-pass explorer


def test_network_is_fixed_and_float64():
    a, b = forward_pass_network(), forward_pass_network()
    assert a.dims == [2, 4, 4, 1] and a.activation == "relu"
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert p.dtype == torch.float64 and torch.equal(p, q)
    # The weights are MLP's own initialisation from the seed (the biases are drawn afterwards).
    plain = MLP(
        [2, 4, 4, 1],
        "relu",
        generator=torch.Generator().manual_seed(forward_mod.SEED),
        dtype=torch.float64,
    )
    assert torch.equal(plain.layers[0].W, a.layers[0].W)


def test_forward_table_is_mlp_forward_layer_by_layer_at_grid_inputs():
    net = forward_pass_network()
    table = forward_table(net)
    n = forward_mod.INPUT_GRID.n
    assert table.inputs.shape == (n * n, 2)
    assert [o.shape for o in table.outputs] == [(n * n, 4), (n * n, 4), (n * n, 1)]
    # The whole batch: the explorer's last layer is exactly MLP.forward.
    assert torch.equal(table.outputs[-1], net.forward(table.inputs))
    values = forward_mod.INPUT_GRID.values()
    for i, j in [(0, 0), (30, 15), (20, 20), (40, 3), (7, 40)]:
        k = i * n + j
        assert table.inputs[k].tolist() == [values[i], values[j]]
        h = torch.tensor([[values[i], values[j]]], dtype=torch.float64)
        hidden = 0
        for layer in net.layers:  # one input at a time, layer by layer
            h = layer.forward(h)
            if isinstance(layer, scratchnn.ReLU):
                torch.testing.assert_close(table.outputs[hidden][k], h[0], rtol=1e-13, atol=1e-15)
                assert torch.equal(table.active[hidden][k], h[0] > 0)
                hidden += 1
        torch.testing.assert_close(table.outputs[-1][k], h[0], rtol=1e-13, atol=1e-15)


def test_forward_table_matches_torch():
    net = forward_pass_network()
    table = forward_table(net)
    W = [layer.W for layer in net.layers[0::2]]
    b = [layer.b for layer in net.layers[0::2]]
    h1 = torch.relu(table.inputs @ W[0] + b[0])
    h2 = torch.relu(h1 @ W[1] + b[1])
    out = h2 @ W[2] + b[2]
    for mine, ref in zip(table.outputs, [h1, h2, out], strict=True):
        torch.testing.assert_close(mine, ref, rtol=1e-13, atol=1e-15)


def test_seed_gives_an_instructive_network():
    """Why SEED = 7: no hidden unit is on or off on the whole grid; the output changes sign."""
    table = forward_table()
    for active in table.active:
        share = active.double().mean(dim=0)
        assert bool(((share > 0.1) & (share < 0.9)).all()), share
    assert table.outputs[-1].min() < 0 < table.outputs[-1].max()


def test_forward_payload_layout():
    data = forward_pass_explorer().data
    table = forward_table()
    n = forward_mod.INPUT_GRID.n
    for layer, out in enumerate(table.outputs):
        width = out.shape[1]
        flat = data["outputs"][layer]
        assert len(flat) == n * n * width
        k = 23 * n + 11
        assert flat[k * width : (k + 1) * width] == round_decimals(out[k], forward_mod.DIGITS)
    for layer, active in enumerate(table.active):
        assert data["active"][layer] == "".join("1" if a else "0" for a in active.reshape(-1))
    assert data["weights"][0] == round_decimals(table.weights[0], 4)


# --------------------------------------------------------------------------------------------
# Loss explorer


def test_loss_table_is_each_losses_forward_and_backward():
    table = loss_table()
    for e_index, eps in enumerate(table.eps):
        pred = torch.tensor([[eps]], dtype=torch.float64)
        zero = torch.zeros(1, 1, dtype=torch.float64)
        for loss, rows in [(MSELoss(), table.mse), (MAELoss(), table.mae)]:
            assert rows[0, e_index].item() == loss.forward(pred, zero).item()
            assert rows[1, e_index].item() == loss.backward().item()
        for d_index, delta in enumerate(table.deltas):
            loss = HuberLoss(delta)
            assert table.huber[d_index, 0, e_index].item() == loss.forward(pred, zero).item()
            assert table.huber[d_index, 1, e_index].item() == loss.backward().item()


def test_loss_table_closed_forms_and_torch():
    table = loss_table()
    eps = torch.tensor(table.eps, dtype=torch.float64)
    torch.testing.assert_close(table.mse[0], eps**2, rtol=1e-15, atol=0)
    torch.testing.assert_close(table.mse[1], 2 * eps, rtol=1e-15, atol=0)
    torch.testing.assert_close(table.mae[0], eps.abs(), rtol=0, atol=0)
    torch.testing.assert_close(table.mae[1], eps.sign(), rtol=0, atol=0)  # 0 at ε = 0
    for d_index, delta in enumerate(table.deltas):
        e = eps.clone().requires_grad_(True)
        ref = F.huber_loss(e, torch.zeros_like(e), delta=delta, reduction="none")
        (grad,) = torch.autograd.grad(ref.sum(), e)
        torch.testing.assert_close(table.huber[d_index, 0], ref.detach(), rtol=1e-14, atol=1e-15)
        torch.testing.assert_close(table.huber[d_index, 1], grad, rtol=1e-14, atol=1e-15)


def test_bce_error_definition():
    """BCE's ε is the probability error p − y: L = −log(1 − |ε|), dL/dε = sign(ε)/(1 − |ε|)."""
    table = loss_table()
    for e_index, eps in enumerate(table.eps):
        loss, grad = table.bce[:, e_index].tolist()
        point = loss_mod.bce_point(eps)
        if abs(eps) >= 1:
            assert point is None and math.isnan(loss) and math.isnan(grad)
            continue
        p, y = point
        assert p - y == pytest.approx(eps, abs=1e-15)
        library = BCELoss()
        pt, yt = torch.tensor([[p]], dtype=torch.float64), torch.tensor([[y]], dtype=torch.float64)
        assert loss == library.forward(pt, yt).item() and grad == library.backward().item()
        assert loss == pytest.approx(-math.log1p(-abs(eps)), rel=1e-12, abs=1e-15)
        if eps != 0:
            assert grad == pytest.approx(math.copysign(1, eps) / (1 - abs(eps)), rel=1e-12)
            pr = torch.tensor([p], dtype=torch.float64, requires_grad=True)
            ref = F.binary_cross_entropy(pr, torch.tensor([y], dtype=torch.float64))
            (ref_grad,) = torch.autograd.grad(ref, pr)
            assert loss == pytest.approx(ref.item(), rel=1e-12, abs=1e-15)
            assert grad == pytest.approx(ref_grad.item(), rel=1e-12)
        else:
            assert (loss, grad) == (0.0, 0.0)  # the kink: slopes −1 and +1; 0 is a subgradient


def test_loss_payload_marks_undefined_bce_as_null():
    data = loss_explorer().data
    json.dumps(data, allow_nan=False)  # no NaN may reach the page: it is not valid JSON
    eps = data["eps"]
    for i, e in enumerate(eps):
        defined = abs(e) < 1
        assert (data["bce"]["loss"][i] is not None) == defined
    i = loss_mod.EPS_GRID.index(3.0)
    d = loss_mod.DELTA_GRID.index(1.0)
    # The article's table at ε = 3 (B·N = 1): MSE 6, MAE 1, Huber(δ = 1) δ = 1.
    assert (data["mse"]["grad"][i], data["mae"]["grad"][i], data["huber"][d]["grad"][i]) == (
        6.0,
        1.0,
        1.0,
    )


# --------------------------------------------------------------------------------------------
# The widgets


@pytest.mark.parametrize("make", EXPLORERS)
def test_explorer_is_one_anywidget_with_a_stable_repr(make):
    """One plain anywidget module draws the controls, the view and the caption: no other
    widget, so the static page needs no widget manager (book_js/_static/offline/widgets.js)."""
    a, b = make(), make()
    assert isinstance(a, Explorer)
    assert repr(a) == repr(b)
    assert "0x" not in repr(a) and len(repr(a)) <= 110  # ipywidgets cuts text/plain at 110
    bundle, _metadata = a._repr_mimebundle_()
    assert bundle["text/plain"] == repr(a)
    assert "export default snn.explorer(render)" in a._esm and "function makeControls" in a._esm
    assert a.data == b.data and a.caption and a.controls


@pytest.mark.parametrize("make", EXPLORERS)
def test_payload_is_json_and_small(make):
    size = len(json.dumps(make().data, allow_nan=False))
    assert size < 150_000, size  # embedded in the page: keep it light


def test_each_control_drives_one_trait_of_the_view():
    """Sliders on the grids the tables were computed on, at the explorer's starting values."""

    def described(explorer):
        return [(c["kind"], c["name"], getattr(explorer, c["name"])) for c in explorer.controls]

    assert described(activation_explorer("relu", 1.25)) == [
        ("dropdown", "activation", list(ACTIVATIONS).index("relu")),
        ("slider", "x", 1.25),
    ]
    assert described(forward_pass_explorer(0.5, -1.0)) == [
        ("slider", "x1", 0.5),
        ("slider", "x2", -1.0),
    ]
    loss = loss_explorer(eps=9.0, delta=0.3)  # ε outside the slider: where the slider shows it
    assert described(loss) == [("slider", "eps", 3.0), ("slider", "delta", 0.3)]
    eps = loss.controls[0]
    assert {k: eps[k] for k in ("lo", "hi", "step", "n", "decimals")} == {
        **loss_mod.EPS_GRID.to_json(),
        "decimals": 2,
    }


def test_an_unknown_choice_is_a_clear_error():
    with pytest.raises(ValueError, match=r"activation: expected one of \[.*'relu'.*got 'rleu'"):
        activation_explorer("rleu")


def test_javascript_ships_with_the_package():
    here = Path(course.explorers.__file__).parent
    names = ("plot.js", "view.js", "controls.js", "activation.js", "forward_pass.js", "loss.js")
    names += ("explorers.css",)
    for name in names:
        assert (here / name).is_file(), name
