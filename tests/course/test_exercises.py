"""Exercises: every solution passes its check, every stub is "not attempted yet", and deliberately
wrong answers get the hint that names their mistake. The chapters call the same checks."""

import itertools
import json
import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from IPython.lib.pretty import pretty

from course.exercises import NOT_ATTEMPTED, ch1, ch2, ch3, ch4, ch5, ch6, ch7
from scratchnn import mlp_flops, sigmoid

CHAPTERS = {"ch1": ch1, "ch2": ch2, "ch3": ch3, "ch4": ch4, "ch5": ch5, "ch6": ch6, "ch7": ch7}
PAIRS = [(check, solution) for mod in CHAPTERS.values() for check, solution in mod.EXERCISES]
IDS = [check.__name__.removeprefix("check_") for check, _ in PAIRS]
NOTEBOOKS = Path(__file__).resolve().parents[2] / "chapters"


def stub(*args):
    raise NotImplementedError  # what every exercise cell starts with


# --- solutions, stubs, errors ------------------------------------------------------------------


@pytest.mark.parametrize(("check", "solution"), PAIRS, ids=IDS)
def test_every_solution_passes_and_says_so_the_same_way_every_time(check, solution):
    result = check(solution)
    assert result.ok and result.status == "passed" and result.mistake is None, result.message
    assert result.message.startswith(f"{result.exercise}: passed.\n"), result.message
    assert str(result) == pretty(result) == result.message  # what a notebook cell displays
    assert check(solution).message == result.message  # seeded: identical on every run


@pytest.mark.parametrize(("check", "solution"), PAIRS, ids=IDS)
def test_every_stub_is_not_attempted_yet(check, solution):
    result = check(stub)
    assert not result.ok and result.status == "not attempted", result.message
    assert NOT_ATTEMPTED in result.message and "passed" not in result.message


@pytest.mark.parametrize(("check", "solution"), PAIRS, ids=IDS)
def test_any_other_exception_is_reported_not_raised(check, solution):
    def broken(*args):
        raise ValueError("shapes (5, 4) and (3, 4) do not match\nsecond line")

    result = check(broken)
    assert result.status == "error" and not result.ok
    assert result.message.endswith("ValueError: shapes (5, 4) and (3, 4) do not match")


@pytest.mark.parametrize(("check", "solution"), PAIRS, ids=IDS)
def test_checks_leave_the_global_random_state_alone(check, solution):
    state = torch.get_rng_state()
    check(solution)
    assert torch.equal(torch.get_rng_state(), state)


def test_the_checks_data_avoid_kinks_and_cover_both_huber_regions():
    assert ch2._x().abs().min() > 0.05  # ELU's kink at 0
    pred, target = ch4._huber_data()
    err = (pred - target).abs()
    assert (err - ch4.DELTA).abs().min() > 0.05
    assert (err < ch4.DELTA).sum() >= 3 and (err > ch4.DELTA).sum() >= 3


# --- wrong answers and their hints -------------------------------------------------------------


def ce_grad(logits, labels, *, scale=True, onehot=True):
    P = torch.softmax(logits, dim=1)
    Y = F.one_hot(labels, logits.shape[1]).to(logits.dtype) if onehot else 0.0
    return (P - Y) / (logits.shape[0] if scale else 1)


def one_step(x, y, w, b, lr, *, factor=2.0, sign=1.0):
    dpred = factor * (x @ w + b - y) / len(x)
    return w - sign * lr * (x.T @ dpred), b - sign * lr * dpred.sum(0)


def not_in_place(params, grads, lr):
    for p, g in zip(params, grads, strict=True):
        p = p - lr * g  # the mistake under test: rebinds the name p, the parameter is untouched


def replaced_in_list(params, grads, lr):
    for i, (p, g) in enumerate(zip(params, grads, strict=True)):
        params[i] = p - lr * g  # the list holds new tensors; the layer still holds the old ones


def uphill(params, grads, lr):
    for p, g in zip(params, grads, strict=True):
        p += lr * g


BACKWARD_MISTAKES = [
    # (check, wrong answer, expected mistake key, phrase in the hint)
    (ch1.check_linear_backward, lambda x, W, d: (d.T @ x, d.sum(0), d @ W.T), "transposed",
     "dW has shape (4, 3), expected (3, 4): transposed?"),
    (ch1.check_linear_backward, lambda x, W, d: (x.T @ d, d.mean(0), d @ W.T), "bias_not_summed",
     "db = dout.sum(0)"),
    (ch1.check_linear_backward, lambda x, W, d: (x.T @ d, d.sum(1), d @ W.T), "wrong_axis",
     "reduced over the wrong axis"),
    (ch1.check_linear_backward, lambda x, W, d: (x.T @ d / len(x), d.sum(0), d @ W.T),
     "extra_scale", "dW is 1/5 of the true gradient"),
    (ch1.check_linear_backward, lambda x, W, d: (x.T @ d, d.sum(0)), "wrong_shape",
     "Return three tensors"),
    (ch2.check_tanh_backward, lambda x, y, d: d * (1 - x * x), "wrong_cache",
     "gets y in place of x: the formula uses x where it needs y"),
    (ch2.check_tanh_backward, lambda x, y, d: d * (1 - torch.tanh(y) ** 2), "wrong_cache",
     "gets x in place of y"),
    (ch2.check_tanh_backward, lambda x, y, d: 1 - y * y, "forgot_dout", "multiply by dout"),
    (ch2.check_tanh_backward, lambda x, y, d: -d * (1 - y * y), "sign", "sign is flipped"),
    (ch2.check_elu_backward, lambda x, y, d: torch.where(y > 0, d, d * torch.exp(y)),
     "wrong_cache", "the formula uses y where it needs x"),
    (ch2.check_elu_backward, lambda x, y, d: torch.where(x > 0, d, d * y), "elu_value",
     "the slope is eˣ = f(x) + 1"),
    (ch2.check_elu_backward, lambda x, y, d: torch.where(x > 0, d, torch.exp(x)), "forgot_dout",
     "multiply by dout"),
    (ch2.check_swish_backward, lambda x, y, d: d * sigmoid(x), "product_rule",
     "the first term of the product rule only"),
    (ch2.check_swish_backward, lambda x, y, d: d * sigmoid(x) * (1 - sigmoid(x)), "product_rule",
     "the slope of the sigmoid alone"),
    (ch2.check_swish_backward,
     lambda x, y, d: d * sigmoid(y) * (1 + y * (1 - sigmoid(y))), "wrong_cache", "x in place of y"),
    (ch3.check_mse_backward, lambda p, t: 2 * (p - t) / len(p), "missing_batch_scale",
     "3× too large, and 3 = N: the 1/N"),
    (ch3.check_mse_backward, lambda p, t: 2 * (p - t), "missing_batch_scale",
     "15× too large, and 15 = B·N"),
    (ch3.check_mse_backward, lambda p, t: (p - t) / p.numel(), "constant_factor",
     "times 0.5 (≈ 2× too small)"),
    (ch3.check_mse_backward, lambda p, t: 2 * (t - p) / p.numel(), "sign",
     "target − pred where pred − target belongs?"),
    (ch4.check_softmax_ce_backward, lambda z, y: ce_grad(z, y, scale=False),
     "missing_batch_scale", "dlogits is 5× too large, and 5 = B: the 1/B"),
    (ch4.check_softmax_ce_backward, lambda z, y: ce_grad(z, y, onehot=False), "forgot_labels",
     "subtract the one-hot labels"),
    (ch4.check_softmax_ce_backward, lambda z, y: -ce_grad(z, y), "sign", "sign is flipped"),
    (ch4.check_huber_backward, lambda p, t, d: (t - p).clamp(-d, d) / p.numel(), "sign",
     "sign is flipped"),
    (ch4.check_huber_backward, lambda p, t, d: (p - t) / p.numel(), "not_clipped",
     "its slope stops growing at δ·sign(ε)"),
    (ch4.check_huber_backward, lambda p, t, d: (p - t).sign() * d / p.numel(), "not_quadratic",
     "inside ±δ the loss is ½ε²"),
    (ch4.check_huber_backward, lambda p, t, d: (p - t).clamp(-1, 1) / p.numel(), "delta_one",
     "clipped at ±1 instead of ±δ"),
    (ch4.check_huber_backward, lambda p, t, d: (p - t).clamp(-d, d), "missing_batch_scale",
     "15× too large, and 15 = B·N"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("check", "answer", "mistake", "phrase"),
    BACKWARD_MISTAKES,
    ids=[f"{c.__name__.removeprefix('check_')}-{m}" for c, _, m, _ in BACKWARD_MISTAKES],
)
def test_a_wrong_backward_pass_gets_the_hint_that_names_its_mistake(check, answer, mistake, phrase):
    result = check(answer)
    assert result.status == "wrong" and not result.ok, result.message
    assert result.mistake == mistake, result.message
    assert phrase in result.message, result.message
    assert "not right yet" in result.message


def naive_bce(z, y):
    p = torch.sigmoid(z)
    return (-(y * torch.log(p) + (1 - y) * torch.log(1 - p))).mean()


def clamped_bce(z, y):
    p = torch.sigmoid(z).clamp(1e-7, 1 - 1e-7)  # the article's clamp
    return (-(y * torch.log(p) + (1 - y) * torch.log(1 - p))).mean()


def bce_terms(z, y, log1p=True):
    soft = torch.log1p(torch.exp(-z.abs())) if log1p else torch.log(1 + torch.exp(-z.abs()))
    return z.clamp(min=0) - z * y + soft


def sum_params(dims, bias_per_input=False):
    return sum(a * b + (a if bias_per_input else b) for a, b in itertools.pairwise(dims))


VALUE_MISTAKES = [
    (ch1.check_linear_flops, lambda B, M, N, dx: (2 * B * M * N, 0), "bias_missing",
     "counts the products but not the bias"),
    (ch1.check_linear_flops, lambda B, M, N, dx: (B * M * N + B * N, 0), "multiply_add",
     "counts a multiply-add as 1 FLOP"),
    (ch1.check_linear_flops, lambda B, M, N, dx: (2 * B * M * N + B * N, 6 * B * M * N + 3 * B * N),
     "three_times", "the article's rule"),
    (ch1.check_linear_flops, lambda B, M, N, dx: (2 * B * M * N + B * N, 4 * B * M * N + B * N),
     "need_dx", "which need_dx=False skips"),
    (ch1.check_linear_flops, lambda B, M, N, dx: (2 * B * M * N + B * N, 4 * B * M * N + 2 * B * N),
     "two_times", "counts the bias twice"),
    (ch1.check_sgd_update, not_in_place, "no_step", "update in place"),
    (ch1.check_sgd_update, replaced_in_list, "not_in_place", "in new tensors"),
    (ch1.check_sgd_update, uphill, "sign", "uphill"),
    (ch1.check_sgd_update, lambda params, grads, lr: None, "no_step", "did not change"),
    (ch2.check_flat_points, lambda: (ch2.solution_flat_points()[::-1]), "swap", "swapped"),
    (ch2.check_flat_points, lambda: (3.0, 3.0), None, "At x_sigmoid = 3 the slope is 0.0452"),
    (ch3.check_count_parameters, lambda dims: sum(a * b for a, b in itertools.pairwise(dims)),
     "biases", "the weights alone"),
    (ch3.check_count_parameters, lambda dims: sum_params(dims, bias_per_input=True), "bias_size",
     "a bias per input"),
    (ch3.check_training_step_flops, lambda d, B: mlp_flops(d, B, need_input_grad=True).total,
     "first_dx", "includes dx for the first layer"),
    (ch3.check_training_step_flops, lambda d, B: mlp_flops(d, B).forward, "forward_only",
     "forward pass only"),
    (ch3.check_training_step_flops, lambda d, B: 6 * B * sum_params(d), "rule_of_thumb",
     "6 FLOPs per parameter per sample"),
    (ch3.check_sgd_one_step, lambda *a: one_step(*a, factor=1.0), "constant_factor",
     "the 2 of the square"),
    (ch3.check_sgd_one_step, lambda *a: one_step(*a, sign=-1.0), "sign", "uphill"),
    (ch3.check_sgd_one_step, lambda *a: one_step(*a, factor=2.0 * len(a[0])),
     "missing_batch_scale", "8× too far"),
    (ch4.check_bce_with_logits, naive_bce, "not_finite", "the loss is nan"),
    (ch4.check_bce_with_logits, clamped_bce, "clamped", "clamping p"),
    (ch4.check_bce_with_logits, lambda z, y: bce_terms(z, y, log1p=False).mean(), "log1p",
     "use torch.log1p"),
    (ch4.check_bce_with_logits, lambda z, y: bce_terms(z, y).sum(), "missing_mean",
     "15× too large, and 15 = B·N"),
    (ch4.check_loss_of_equal_logits, lambda K: 1 / K, "probability", "the loss is −log p"),
    (ch4.check_loss_of_equal_logits, lambda K: -math.log(K), "sign", "negative"),
    (ch4.check_loss_of_equal_logits, lambda K: math.log2(K), "log_base", "base 2"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("check", "answer", "mistake", "phrase"),
    VALUE_MISTAKES,
    ids=[f"{c.__name__.removeprefix('check_')}-{m}" for c, _, m, _ in VALUE_MISTAKES],
)
def test_a_wrong_number_gets_a_hint(check, answer, mistake, phrase):
    result = check(answer)
    assert result.status == "wrong" and not result.ok, result.message
    assert result.mistake == mistake, result.message
    assert phrase in result.message, result.message


def test_float32_arithmetic_is_precise_enough_for_the_loss_of_equal_logits():
    assert ch4.check_loss_of_equal_logits(lambda K: torch.tensor(float(K)).log()).ok


def test_one_sgd_step_with_only_w_wrong_says_which():
    def forgot_x(x, y, w, b, lr):
        dpred = 2 * (x @ w + b - y) / len(x)
        return w - lr * dpred.sum(), b - lr * dpred.sum(0)

    result = ch3.check_sgd_one_step(forgot_x)
    assert result.status == "wrong" and "b is right" in result.message
    assert "dw = xᵀ·dL/dŷ" in result.message


# --- the chapters call these checks ------------------------------------------------------------


def _outputs(cell: dict) -> str:
    texts = []
    for out in cell.get("outputs", []):
        data = out.get("data", {}).get("text/plain", out.get("text", ""))
        texts.append("".join(data) if isinstance(data, list) else data)
    return "".join(texts)


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_each_chapter_ends_with_its_exercises_stub_and_hidden_solution(name):
    (path,) = NOTEBOOKS.glob(f"0{name[-1]}_*.ipynb")
    cells = json.loads(path.read_text())["cells"]
    sources = ["".join(cell["source"]) for cell in cells]
    start = next(i for i, s in enumerate(sources) if s.startswith("## Exercises"))
    assert any("## Summary" in s for s in sources[:start])
    exercises = [s for s in sources[start:] if s.startswith("### Exercise")]
    assert 3 <= len(exercises) == len(CHAPTERS[name].EXERCISES) <= 6
    for check, solution in CHAPTERS[name].EXERCISES:
        call = f"{name}.{check.__name__}("
        uses = [i for i in range(start, len(cells)) if call in sources[i]]
        assert len(uses) == 2, (check.__name__, uses)
        reader, shown = uses
        assert NOT_ATTEMPTED in _outputs(cells[reader]), sources[reader]
        assert f"show_source({name}.{solution.__name__})" in sources[shown]
        assert f"{call}{name}.{solution.__name__})" in sources[shown]
        assert cells[shown]["metadata"].get("tags") == ["hide-output"]
        assert ": passed." in _outputs(cells[shown])
