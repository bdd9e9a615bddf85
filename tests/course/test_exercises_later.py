"""Chapters 5-7's exercises: each wrong answer gets the hint that names its mistake, and the
solutions match torch."""

import itertools
import math

import pytest
import torch

from course.exercises import ch5, ch6, ch7


def momentum_variant(p, g, v, lr, mu, *, damp=False, nesterov=False, sign=1.0):
    v = mu * v + ((1 - mu) * g if damp else g)
    return p - sign * lr * (g + mu * v if nesterov else v), v


def adam_variant(p, g, m, v, t, lr, b1, b2, eps, *, correct=True, t_shift=0, square=True):
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * (g * g if square else g.abs())
    t = t + t_shift
    c1, c2 = (1 - b1**t, 1 - b2**t) if correct else (1.0, 1.0)
    return p - lr * (m / c1) / ((v / c2).sqrt() + eps), m, v


def bn_with(xhat, gamma, inv_std, dout, **paths):
    _, dgamma, dbeta = ch6.solution_batchnorm_backward(xhat, gamma, inv_std, dout)
    return ch6._bn_partial(xhat, gamma, inv_std, dout, **paths), dgamma, dbeta


def bn_scaled(which, factor):
    def backward(xhat, gamma, inv_std, dout):
        grads = list(ch6.solution_batchnorm_backward(xhat, gamma, inv_std, dout))
        grads[which] = grads[which] * factor
        return tuple(grads)

    return backward


def ties_improve(losses, patience):
    best_loss, best_epoch = math.inf, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss <= best_loss:
            best_loss, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(losses)


def peeking(losses, patience):
    stopped = ch7.solution_early_stopping(losses, patience)[1]
    return losses.index(min(losses)) + 1, stopped


def confusion(logits, labels, K, *, transpose=False, percent=False):
    C, acc = ch7.solution_confusion_and_accuracy(logits, labels, K)
    return (C.T if transpose else C), (100 * acc if percent else acc)


def state(hidden, *, bn=True, buffers=True, buffers_as_params=False):
    linear = sum(a * b + b for a, b in itertools.pairwise([64, *hidden, 10]))
    features = 2 * sum(hidden)
    n_params = linear + (features if bn else 0) + (features if buffers_as_params else 0)
    return n_params, n_params + (features if buffers and not buffers_as_params else 0)


LATER_MISTAKES = [
    # backward passes: checked by course.diagnosis.diagnose, then by the chapter's own patterns
    (ch6.check_batchnorm_backward, lambda *a: bn_with(*a, mean_path=False, var_path=False),
     "eval_form", "evaluation mode's gradient"),
    (ch6.check_batchnorm_backward, lambda *a: bn_with(*a, var_path=False), "no_var_path",
     "not the path through σ"),
    (ch6.check_batchnorm_backward, lambda *a: bn_with(*a, mean_path=False), "no_mean_path",
     "lacks the path through μ"),
    (ch6.check_batchnorm_backward, bn_scaled(0, 5.0), "missing_batch_scale",
     "dx is 5× too large, and 5 = B"),
    (ch6.check_batchnorm_backward, bn_scaled(2, 1 / 5), "bias_not_summed",
     "dbeta is the mean of dout over the batch"),
    (ch6.check_batchnorm_backward, bn_scaled(1, -1.0), "sign", "sign is flipped"),
    (ch6.check_dropout_backward, lambda d, m, p: d * m, "forgot_scale", "multiply by 1/(1 − p)"),
    (ch6.check_dropout_backward, lambda d, m, p: d / (1 - p), "forgot_mask",
     "a dropped entry gets no gradient"),
    (ch6.check_dropout_backward, lambda d, m, p: d * m * (1 - p), "scale_inverted",
     "backward divides too"),
    (ch6.check_dropout_backward, lambda d, m, p: -d * m / (1 - p), "sign", "sign is flipped"),
    # updates and numbers
    (ch5.check_momentum_step, lambda *a: momentum_variant(*a, damp=True), "dampening",
     "your velocity is an average"),
    (ch5.check_momentum_step, lambda *a: momentum_variant(*a, nesterov=True), "nesterov",
     "Nesterov's form"),
    (ch5.check_momentum_step, lambda *a: momentum_variant(*a, sign=-1.0), "sign", "uphill"),
    (ch5.check_momentum_step, lambda p, g, v, lr, mu: (p - lr * g, v), "no_momentum",
     "p follows plain SGD"),
    (ch5.check_adam_step, lambda *a: adam_variant(*a, correct=False), "no_bias_correction",
     "the first step is 3.16× too long"),
    (ch5.check_adam_step, lambda *a: adam_variant(*a, t_shift=1), "t_off_by_one", "uses t + 1"),
    (ch5.check_adam_step, lambda *a: adam_variant(*a, t_shift=-1), "t_from_zero",
     "divides by zero"),
    (ch5.check_adam_step, lambda *a: adam_variant(*a, square=False), "v_not_squared", "not |g|"),
    (ch5.check_adam_state_floats, lambda d: sum(a * b + b for a, b in itertools.pairwise(d)),
     "one_tensor", "what momentum or RMSProp keeps"),
    (ch5.check_adam_state_floats, lambda d: 3 * sum(a * b + b for a, b in itertools.pairwise(d)),
     "with_params", "counts the parameters themselves"),
    (ch5.check_adam_state_floats, lambda d: 2 * sum(a * b for a, b in itertools.pairwise(d)),
     "biases", "leaves out the biases"),
    (ch5.check_first_step_with_decay, lambda *a: ch5.solution_first_step_with_decay(*a)[::-1],
     "swap", "swapped"),
    (ch5.check_first_step_with_decay,
     lambda *a: (ch5.solution_first_step_with_decay(*a)[1],) * 2, "same",
     "as they would be for plain SGD"),
    (ch6.check_update_running_stats,
     lambda r, s, x, m: (m * r + (1 - m) * x.mean(0), m * s + (1 - m) * x.var(0)),
     "keras_momentum", "weight 1 − m = 0.9 to the new batch"),
    (ch6.check_update_running_stats,
     lambda r, s, x, m: ((1 - m) * r + m * x.mean(0), (1 - m) * s + m * x.var(0, unbiased=False)),
     "biased_var", "the variance is the biased one"),
    (ch7.check_early_stopping, lambda l, p: tuple(e - 1 for e in ch7.solution_early_stopping(l, p)),
     "zero_based", "counted from 1"),
    (ch7.check_early_stopping, peeking, "peeking", "epochs after the stop"),
    (ch7.check_early_stopping, ties_improve, "ties", "strictly lower loss"),
    (ch7.check_early_stopping, lambda l, p: ch7.solution_early_stopping(l, p + 1),
     "patience_off_by_one", "one epoch late"),
    (ch7.check_confusion_and_accuracy, lambda *a: confusion(*a, transpose=True), "transposed",
     "C is transposed"),
    (ch7.check_confusion_and_accuracy, lambda *a: confusion(*a, percent=True), "percent",
     "a percentage"),
    (ch7.check_state_size, lambda h: state(h, bn=False), "no_bn", "leaves out BatchNorm's γ and β"),
    (ch7.check_state_size, lambda h: state(h, buffers=False), "no_buffers",
     "running mean and variance are part of the state"),
    (ch7.check_state_size, lambda h: state(h, buffers_as_params=True), "buffers_as_params",
     "no gradient trains them"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("check", "answer", "mistake", "phrase"),
    LATER_MISTAKES,
    ids=[f"{c.__name__.removeprefix('check_')}-{m}" for c, _, m, _ in LATER_MISTAKES],
)
def test_a_wrong_answer_in_chapters_5_to_7_gets_the_hint_that_names_it(
    check, answer, mistake, phrase
):
    result = check(answer)
    assert result.status == "wrong" and not result.ok, result.message
    assert result.mistake == mistake, result.message
    assert phrase in result.message, result.message
    assert "not right yet" in result.message


def test_the_optimizer_solutions_match_torch_optim():
    p0, grads = ch5._start(52)
    for opt_cls, step in (
        (lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9), "momentum"),
        (lambda p: torch.optim.Adam([p], lr=0.01), "adam"),
    ):
        p = p0.clone().requires_grad_(True)
        opt = opt_cls(p)
        mine, m, v = p0.clone(), torch.zeros_like(p0), torch.zeros_like(p0)
        for t, g in enumerate(grads, start=1):
            p.grad = g.clone()
            opt.step()
            if step == "momentum":
                mine, v = ch5.solution_momentum_step(mine, g, v, 0.1, 0.9)
            else:
                mine, m, v = ch5.solution_adam_step(mine, g, m, v, t, 0.01, 0.9, 0.999, 1e-8)
            assert torch.allclose(mine, p.detach(), rtol=1e-12, atol=1e-14), (step, t)


def test_the_running_statistics_solution_matches_torch_batchnorm():
    x = torch.randn(5, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    bn = torch.nn.BatchNorm1d(3, momentum=0.1, dtype=torch.float64)
    bn(x)
    mean, var = ch6.solution_update_running_stats(
        torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64), x, 0.1
    )
    assert torch.allclose(mean, bn.running_mean) and torch.allclose(var, bn.running_var)
