"""The explorers' contract between Python and JavaScript.

- ``Axes``: one declaration gives the controls, the settings, the flat run index and the
  payload's ``axes`` block; the view finds a run with the one function ``runIndex`` (view.js).
- Packing: ``_packing.pack`` in Python and ``unpack`` in packing.js, run here under node, read
  the same bytes as the same integers.
- ``explorer.lookup(**setting)`` is what the view shows at a setting.
- The JavaScript: each view is valid JavaScript (node --check), the shared files export into
  one namespace, and no ``render`` runs much over 60 lines.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import torch

import course.explorers
from course.explorers import (
    activation_explorer,
    forward_pass_explorer,
    forward_table,
    loss_explorer,
)
from course.explorers import gradient_flow as flow_mod
from course.explorers import optimizer_paths as paths_mod
from course.explorers import training as training_mod
from course.explorers._axes import Axes, Axis
from course.explorers._common import LEARNING_JS, bundle, namespace, round_decimals
from course.explorers._packing import levels, pack, rounded_clear, unpack

HERE = Path(course.explorers.__file__).parent
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")
STATE_BUDGET = 1_500_000  # bytes of widget state per explorer, uncompressed
LEARNING = {
    "training": training_mod.training_explorer,
    "optimizer-paths": paths_mod.optimizer_paths_explorer,
    "gradient-flow": flow_mod.gradient_flow_explorer,
}
ALL_AXES = {"training": training_mod.AXES, "optimizer-paths": paths_mod.AXES}
ALL_AXES["gradient-flow"] = flow_mod.AXES


@pytest.fixture(scope="module", params=list(LEARNING))
def learning(request):
    return request.param, LEARNING[request.param]()


# --------------------------------------------------------------------------------------------
# Axes


def test_axes_settings_and_index_are_row_major():
    axes = Axes(Axis("a", "a", ("x", "y")), Axis("b", "b", (0.1, 0.2, 0.3)))
    assert axes.settings() == [(a, b) for a in ("x", "y") for b in (0.1, 0.2, 0.3)]
    for k, (a, b) in enumerate(axes.settings()):
        assert axes.index(a=a, b=b) == k
    assert axes.to_json() == [
        {"name": "a", "label": "a", "texts": ["x", "y"], "size": 2},
        {"name": "b", "label": "b", "texts": ["0.1", "0.2", "0.3"], "size": 3},
    ]


def test_axes_refuse_a_wrong_setting_clearly():
    axes = Axes(Axis("bn", "BatchNorm", (False, True)), Axis("n", "n", (1, 2)))
    assert axes.index(bn=True, n=2) == 3
    with pytest.raises(ValueError, match=r"bn: expected one of \[False, True\], got 1"):
        axes.index(bn=1, n=2)  # True is not 1
    with pytest.raises(TypeError, match="expected the axes"):
        axes.index(bn=True)
    with pytest.raises(KeyError):
        axes["nope"]


def test_an_axis_of_three_values_or_fewer_is_toggle_buttons():
    few = Axis("lr", "learning rate", (0.03, 0.3, 10.0)).spec()
    many = Axis("beta", "β", (0.5, 0.8, 0.9, 0.95)).spec()
    assert few == {
        "kind": "toggle",
        "name": "lr",
        "label": "learning rate",
        "texts": ["0.03", "0.3", "10"],
        "wide": False,
    }
    assert many["kind"] == "dropdown" and many["texts"] == ["0.5", "0.8", "0.9", "0.95"]
    long = Axis("d", "data", ("a" * 10, "b" * 10, "c" * 10)).spec()
    assert long["wide"]  # long button texts take a whole row


def test_learning_explorers_follow_their_axes(learning):
    """Payload axes block, controls and traits: all from the one declaration."""
    name, explorer = learning
    axes = ALL_AXES[name]
    assert explorer.data["axes"] == axes.to_json()
    controlled = [axis for axis in axes if axis.control]
    specs = {c["name"]: c for c in explorer.controls}
    for axis in controlled:
        assert specs[axis.name] == axis.spec()
        assert explorer.has_trait(axis.name)
    extra = [c for c in explorer.controls if c["name"] not in {a.name for a in controlled}]
    assert [c["kind"] for c in extra] == ["slider"]  # the epoch or step slider
    assert explorer.has_trait(extra[0]["name"])
    assert axes.start(**{a.name: a.values[-1] for a in controlled}) == {
        a.name: len(a.values) - 1 for a in controlled
    }
    runs = explorer.data["runs"]
    assert len(runs) == axes.size()


def test_learning_explorer_module_and_state(learning):
    name, explorer = learning
    assert "0x" not in repr(explorer) and len(repr(explorer)) <= 110
    assert "export default snn.explorer(render)" in explorer._esm
    assert "function unpack" in explorer._esm
    assert explorer.explorer_name == name
    size = len(json.dumps(explorer.data, allow_nan=False))
    assert size <= STATE_BUDGET, size


def test_learning_lookups_resolve_shared_runs(learning):
    name, explorer = learning
    if name == "optimizer-paths":
        # SGD ignores β: every β finds the one stored run; Adam's differ.
        def at(optimizer, beta):
            return explorer.lookup(surface="valley", optimizer=optimizer, lr=0.019, beta=beta)

        sgd, adam = [at("SGD", b) for b in (0.5, 0.99)], [at("Adam", b) for b in (0.5, 0.99)]
        assert sgd[0] is sgd[1] and isinstance(sgd[0], dict) and adam[0] != adam[1]
        assert paths_mod.path_of(explorer, "valley", "SGD", 0.019, 0.9) is sgd[0]
    elif name == "training":
        run = explorer.lookup(dataset="moons", noise=0.1, width=16, activation="tanh", lr=0.3)
        assert training_mod.run_of(explorer, "moons", 0.1, 16, "tanh", 0.3) is run
        assert run["stopped"] is None
    else:
        run = explorer.lookup(activation="relu", init="he", scale=2.0, batchnorm=False)
        assert flow_mod.flow_of(explorer, "relu", "he", 2.0, False) is run
        assert run["diverged"]["epoch"] == 1


# --------------------------------------------------------------------------------------------
# Lookups of the explorers of chapters 2–4


def test_lookup_is_what_the_view_shows():
    act = activation_explorer()
    assert act.lookup(activation="relu", x=-0.5) == {
        "x": -0.5,
        "f": 0.0,
        "df": 0.0,
        "saturated": True,
    }
    with pytest.raises(ValueError, match="expected one of"):
        act.lookup(activation="softmax", x=0.0)
    losses = loss_explorer().lookup(eps=3.0, delta=1.0)
    assert losses["mse"] == {"loss": 9.0, "grad": 6.0} and losses["bce"]["loss"] is None
    outputs = forward_pass_explorer().lookup(x1=1.0, x2=-0.5)
    table = forward_table()
    n = 41
    k = 30 * n + 15  # x1 = 1.0 is grid point 30, x2 = −0.5 point 15
    assert table.inputs[k].tolist() == [1.0, -0.5]
    assert outputs == [round_decimals(out[k], 3) for out in table.outputs]


# --------------------------------------------------------------------------------------------
# Packing, in both languages


def test_pack_round_trips():
    ints = torch.tensor([0, 1, 63, 64, 4093, 4095])
    assert unpack(pack(ints, chars=2), chars=2) == ints.tolist()
    assert unpack(pack(ints[:3])) == [0, 1, 63]
    with pytest.raises(ValueError):
        pack(torch.tensor([64]))


def _node_unpack(text: str, chars: int) -> list[int]:
    script = namespace("packing.js") + (
        "\nconst [text, chars] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "\nconsole.log(JSON.stringify(snn.unpack(text, chars)));"
    )
    out = subprocess.run(
        [NODE, "-e", script],
        input=json.dumps([text, chars]),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


@needs_node
@pytest.mark.parametrize("chars", [1, 2])
def test_python_and_javascript_decode_the_same_bytes(chars):
    generator = torch.Generator().manual_seed(0)
    ints = torch.randint(0, 64**chars, (2000,), generator=generator)
    ints[:4] = torch.tensor([0, 1, 64**chars - 2, 64**chars - 1])
    text = pack(ints, chars=chars)
    assert _node_unpack(text, chars) == unpack(text, chars) == ints.tolist()


@needs_node
def test_javascript_reads_a_stored_heatmap_as_python_packed_it():
    frames = torch.linspace(0, 1, 24 * 24, dtype=torch.float64)
    text = pack(levels(frames, 0.0, 1.0, 64))
    assert _node_unpack(text, 1) == levels(frames, 0.0, 1.0, 64).tolist()


def test_rounded_clear_moves_the_edge_off_exact_ties():
    # 11.00545 exactly (a tie) and its float neighbours round alike; ordinary values as round().
    tie = 11.00545
    below, above = math.nextafter(tie, 0), math.nextafter(tie, 20)
    values = torch.tensor([below, tie, above, 0.123456, -2.5e-5], dtype=torch.float64)
    assert rounded_clear(values, 4) == [11.0054, 11.0054, 11.0054, 0.1235, 0.0]


# --------------------------------------------------------------------------------------------
# The JavaScript

VIEWS = {
    "activation.js": ("plot.js", "view.js"),
    "loss.js": ("plot.js", "view.js"),
    "forward_pass.js": ("plot.js", "view.js"),
    "training.js": LEARNING_JS,
    "optimizer_paths.js": LEARNING_JS,
    "gradient_flow.js": LEARNING_JS,
}


@needs_node
@pytest.mark.parametrize("own", list(VIEWS))
def test_each_view_is_valid_javascript(own, tmp_path):
    module = tmp_path / "view.mjs"
    module.write_text(bundle(*VIEWS[own], own))
    subprocess.run([NODE, "--check", str(module)], check=True, capture_output=True)


def test_shared_files_export_into_one_namespace():
    for name in ("plot.js", "view.js", "packing.js", "learning.js"):
        text = (HERE / name).read_text()
        assert re.search(r"^Object\.assign\(snn, \{", text, re.M), name
        assert "export default" not in text, name


def _functions(text: str) -> dict[str, int]:
    """Top-level functions and their lengths in lines (a function ends at a line "}")."""
    lengths, name, start = {}, None, 0
    for number, line in enumerate(text.splitlines()):
        found = re.match(r"function (\w+)\(", line)
        if found:
            name, start = found.group(1), number
        elif line == "}" and name:
            lengths[name] = number - start + 1
            name = None
    return lengths


def test_no_render_runs_much_over_sixty_lines_and_one_run_index():
    for path in sorted(HERE.glob("*.js")):
        functions = _functions(path.read_text())
        assert functions.get("render", 0) <= 64, (path.name, functions.get("render"))
        assert all(n <= 64 for n in functions.values()), (path.name, functions)
        if path.name != "view.js":
            assert "runIndex" not in functions and "run_index" not in path.read_text(), path.name
    for path in HERE.glob("*.py"):
        assert "def run_index" not in path.read_text(), path.name
