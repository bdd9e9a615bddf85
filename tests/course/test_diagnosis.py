"""diagnose on correct code: no false alarm at any batch size, messages with only the digits
central differences resolve, the same on every machine. Each named mistake: test_diagnosis_mistakes.
"""

import pytest
import torch
from diagnosis_cases import M, N, assert_names, batch, broken_linear, linear
from reference import gen

from course.diagnosis import diagnose, diagnose_function
from scratchnn import (
    ACTIVATIONS,
    ELU,
    MLP,
    BatchNorm1d,
    BCELoss,
    BCEWithLogitsLoss,
    Dropout,
    HuberLoss,
    Linear,
    MAELoss,
    MSELoss,
    ReLU,
    Sequential,
    Sigmoid,
    SoftmaxCELoss,
    Tanh,
    gradient_errors,
    sigmoid,
)
from scratchnn.checks import UPSTREAM_SEED

# --- correct code ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "obj",
    [linear(), Sigmoid(), Tanh(), ReLU(), ELU(), MLP([M, 6, 2], "gelu", generator=gen(3))],
    ids=lambda o: type(o).__name__,
)
def test_correct_layers_are_ok_and_agree_with_gradient_errors(obj):
    x = batch()
    d = diagnose(obj, x)
    assert d.ok and d.mistake is None and d.tensor is None and d.mistakes == {}, d.message
    assert d.per_tensor == gradient_errors(obj, x, seed=UPSTREAM_SEED)  # the same upstream R
    assert d.max_error < 1e-8 and "central differences in float64 (error < 1e-06)" in d.message


def test_correct_losses_and_function_pair_are_ok():
    x = batch()
    assert diagnose(MSELoss(), x, batch(seed=5)).ok
    assert diagnose(SoftmaxCELoss(), x, torch.tensor([0, 1, 2, 1, 0])).ok
    d = diagnose_function(sigmoid, lambda x, y, dout: dout * y * (1 - y), x)
    assert d.ok and d.message == "sigmoid backward: dx matches central differences in float64 " + (
        "(error < 1e-06)."
    )
    assert diagnose((sigmoid, lambda x, y, dout: dout * y * (1 - y)), x).ok  # the tuple form


def test_leaves_the_callers_object_alone():
    lin = Linear(M, N, generator=gen(1))  # float32
    W = lin.W.clone()
    diagnose(lin, batch())
    assert lin.W.dtype == torch.float32 and torch.equal(lin.W, W) and lin._x is None


# --- no false alarms: every correct layer and loss, B = 2 … 64 ------------------------------------


class FixedMaskDropout(Dropout):
    """Dropout drawing the same mask at every forward, so that central differences see one f."""

    def forward(self, x):
        self.generator.manual_seed(9)
        return super().forward(x)


def _eval_batchnorm():
    bn = BatchNorm1d(3, dtype=torch.float64)
    bn.running_mean = torch.randn(3, generator=gen(3), dtype=torch.float64)
    bn.running_var = 0.5 + torch.rand(3, generator=gen(4), dtype=torch.float64)
    return bn.eval()


CORRECT_LAYERS = {
    "Linear": lambda: linear(3, 4),
    **{name: cls for name, cls in ACTIVATIONS.items()},
    "BatchNorm1d_train": lambda: BatchNorm1d(3, dtype=torch.float64),
    "BatchNorm1d_eval": _eval_batchnorm,
    "Dropout": lambda: FixedMaskDropout(0.3, generator=gen(5)),
    "MLP": lambda: MLP([3, 5, 2], "tanh", generator=gen(6)),
    "Sequential": lambda: Sequential(
        [Linear(3, 4, generator=gen(7)), BatchNorm1d(4), ReLU(), Linear(4, 2, generator=gen(8))]
    ),
}
CORRECT_LOSSES = {
    "MSELoss": (MSELoss, lambda B: batch(B, 3, seed=11)),
    "MAELoss": (MAELoss, lambda B: batch(B, 3, seed=11)),
    "HuberLoss": (HuberLoss, lambda B: batch(B, 3, seed=11)),
    "BCELoss": (BCELoss, lambda B: torch.rand(B, 3, generator=gen(11), dtype=torch.float64)),
    "BCEWithLogitsLoss": (
        BCEWithLogitsLoss,
        lambda B: torch.rand(B, 3, generator=gen(11), dtype=torch.float64),
    ),
    "SoftmaxCELoss": (SoftmaxCELoss, lambda B: torch.randint(0, 3, (B,), generator=gen(11))),
}
SOME_BATCHES = [2, 3, 4, 5, 8, 16, 31, 64]


def _input(name: str, B: int) -> torch.Tensor:
    x = 2.0 * batch(B, 3, seed=B) + 0.5
    return torch.sigmoid(x) if name == "BCELoss" else x  # BCE takes probabilities


@pytest.mark.parametrize("B", SOME_BATCHES)
@pytest.mark.parametrize("name", list(CORRECT_LAYERS))
def test_no_correct_layer_is_flagged_at_any_batch_size(name, B):
    d = diagnose(CORRECT_LAYERS[name](), _input(name, B))
    assert d.ok, d.message


@pytest.mark.parametrize("B", SOME_BATCHES)
@pytest.mark.parametrize("name", list(CORRECT_LOSSES))
def test_no_correct_loss_is_flagged_at_any_batch_size(name, B):
    make, target = CORRECT_LOSSES[name]
    d = diagnose(make(), _input(name, B), target(B))
    assert d.ok, d.message


@pytest.mark.parametrize("offset", [0.0, 1000.0], ids=["centred", "far_from_0"])
def test_batchnorm_is_never_flagged_from_2_to_64_rows(offset):
    # At B = 2, x̂ = ±1 whatever x is: dx is pure rounding noise on both sides, and was flagged
    # ("backward gave 2.397e-05, central differences give 2.397e-05"). Far from 0 the noise of
    # x − μ grows with |x|/σ, which only the measured resolution of central differences sees.
    for B in range(2, 65):
        x = offset + 100.0 ** (offset > 0) * batch(B, 3, seed=B)
        d = diagnose(BatchNorm1d(3, dtype=torch.float64), x)
        assert d.ok, (B, d.message)


def test_the_floor_cannot_hide_a_small_mistake():
    # A gradient off by 5 parts in 10⁴ is far above the rounding noise: flagged, and the factor
    # is printed with the digits that tell it from 1.
    d = diagnose(broken_linear(dx=lambda s, x, dout, g: 1.0005 * g), batch())
    assert_names(d, "constant_factor", "x", "times 1.0005 (≈ 1.0005× too large)")
    d = diagnose(broken_linear(dx=lambda s, x, dout, g: g / 1.0005), batch())
    assert_names(d, "constant_factor", "x", "times 0.9995 (≈ 1.0005× too small)")


# Factors right on a rounding boundary of their shortest print (1.0005 at four digits, 1.00005
# and 0.99995 at five, 1.235 at three; 2.5 sits on none from three digits on): a noise-sized change
# would flip that digit, so the message prints one digit more, whichever side of the boundary
# this machine's rounding put the estimate.
BOUNDARY_FACTORS = [
    (1.0005, "times 1.0005 (≈ 1.0005× too large)"),
    (1.00005, "times 1.00005 (≈ 1.00005× too large)"),
    (1 / 1.00005, "times 0.99995 (≈ 1.00005× too small)"),
    (2.5, "times 2.5 (≈ 2.5× too large)"),
    (1.235, "times 1.235 (≈ 1.235× too large)"),
]


@pytest.mark.parametrize("factor, phrase", BOUNDARY_FACTORS)
def test_a_factor_on_a_rounding_boundary_prints_the_same_everywhere(factor, phrase):
    d = diagnose(broken_linear(dx=lambda s, x, dout, g: factor * g), batch())
    assert_names(d, "constant_factor", "x", phrase)


@pytest.mark.parametrize("nudge", [-1e-15, 0.0, 1e-15, -1e-9, 1e-9])
def test_noise_sized_changes_of_a_factor_change_no_digit(nudge):
    # The estimate of c lands within rounding noise of the truth, on one side or the other
    # depending on the machine: every such landing prints the same text.
    from course.diagnosis.digits import _digits

    for factor, _ in BOUNDARY_FACTORS:
        c = factor * (1 + nudge)
        assert _digits(c, 1e-6 * c, 3, other=1.0) == _digits(factor, 1e-6 * factor, 3, other=1.0)


def test_the_messages_are_the_same_on_another_numeric_path():
    # The same diagnoses, run in a process on torch's plainest kernels and MKL's most compatible
    # path with two threads, give the same text, word for word.
    import json
    import os
    import subprocess
    import sys

    code = (
        "import sys; sys.path.insert(0, 'tests'); sys.path.insert(0, 'tests/course');"
        "from test_diagnosis import BOUNDARY_FACTORS, broken_linear, batch, diagnose\n"
        "import json\n"
        "print(json.dumps([diagnose(broken_linear(dx=lambda s, x, dout, g: f * g), batch())"
        ".message for f, _ in BOUNDARY_FACTORS]))"
    )
    env = dict(os.environ, ATEN_CPU_CAPABILITY="default", MKL_CBWR="COMPATIBLE")
    env["OMP_NUM_THREADS"] = "2"
    other = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    other = json.loads(other)
    here = [
        diagnose(broken_linear(dx=lambda s, x, dout, g, f=f: f * g), batch()).message
        for f, _ in BOUNDARY_FACTORS
    ]
    assert other == here


def test_a_disagreement_prints_the_digits_that_differ():
    def nudge(s, x, dout, g):
        g = g.clone()
        g[1, 2] *= 1.0001
        return g

    d = diagnose(broken_linear(dW=nudge), batch())
    gave, truth = d.message.split("backward gave ")[1].split(", central differences give ")
    assert gave != truth.rstrip(".")
