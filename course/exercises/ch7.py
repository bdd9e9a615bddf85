"""Exercises of chapter 7 (a complete digit classifier): checks and solutions.

7.1 ``early_stopping(val_losses, patience) -> (best_epoch, stopped_epoch)``, on three curves;
7.2 ``confusion_and_accuracy(logits, labels, K) -> (C, accuracy)``, against ``torch.bincount``;
7.3 ``state_size(hidden) -> (n_params, n_state)``, the numbers early stopping must save, against a
    network built from ``Linear``, ``BatchNorm1d`` and ``ReLU``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import torch

from scratchnn.activations import ReLU
from scratchnn.batchnorm import BatchNorm1d
from scratchnn.linear import Linear
from scratchnn.mlp import Sequential

from ._check import F64, Result, as_float, call, describe, passed, wrong

__all__ = [
    "EXERCISES",
    "check_confusion_and_accuracy",
    "check_early_stopping",
    "check_state_size",
    "solution_confusion_and_accuracy",
    "solution_early_stopping",
    "solution_state_size",
]


# --- 7.1 Early stopping ------------------------------------------------------------------------

EARLY = "Exercise 7.1 (early stopping)"


def solution_early_stopping(val_losses, patience):
    """val_losses[e − 1]: the validation loss after epoch e = 1, 2, … (what training would record).

    Returns (best_epoch, stopped_epoch), as the chapter's ``fit``: an epoch is the new best only if
    its loss is strictly lower; training stops after the first epoch that is ``patience`` epochs
    past the best, or after the last epoch. Epochs after the stop are never seen.
    """
    best_loss, best_epoch = math.inf, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best_loss:
            best_loss, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_losses)


def _curves() -> list[tuple[str, list[float], int]]:
    """(description, losses, patience): a dip then a lower one too late, a tie, a steady fall."""
    late = [1.0, 0.8, 0.6, 0.55, 0.58, 0.57, 0.6, 0.62, 0.5, 0.45]  # best 4; stops at 7
    tie = [0.9, 0.7, 0.5, 0.6, 0.5, 0.55, 0.52, 0.6]  # the tie at epoch 5 is no improvement
    steady = [1.0 / (e + 1) for e in range(8)]  # never stops
    return [
        ("a curve whose lowest loss comes after the stop (patience 3)", late, 3),
        ("a curve with a tie, 0.5 at epochs 3 and 5 (patience 4)", tie, 4),
        ("a curve that falls at every epoch (patience 2)", steady, 2),
    ]


def _peeking(losses, patience):
    _, stopped = solution_early_stopping(losses, patience)
    return min(range(len(losses)), key=lambda i: (losses[i], i)) + 1, stopped


def _ties_improve(losses, patience):
    best_loss, best_epoch = math.inf, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss <= best_loss:
            best_loss, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(losses)


def check_early_stopping(early_stopping: Callable) -> Result:
    """Check ``early_stopping(val_losses, patience) -> (best_epoch, stopped_epoch)``."""
    for what, losses, patience in _curves():
        out, failed = call(EARLY, early_stopping, list(losses), patience)
        if failed:
            return failed
        got = [as_float(v) for v in out] if isinstance(out, (tuple, list)) else []
        if len(got) != 2 or None in got or any(v != int(v) for v in got):
            return wrong(
                EARLY, f"Return the pair (best_epoch, stopped_epoch), not {describe(out)}."
            )
        got = tuple(int(v) for v in got)
        right = solution_early_stopping(losses, patience)
        if got == right:
            continue
        known = (
            (
                (right[0] - 1, right[1] - 1),
                "zero_based",
                "both are one less than they should be: epochs are counted from 1, as in `fit`.",
            ),
            (
                _peeking(losses, patience),
                "peeking",
                "your best epoch comes from the whole list, including epochs after the stop. "
                "Training never sees them: stop reading at the stop.",
            ),
            (
                _ties_improve(losses, patience),
                "ties",
                "a loss equal to the best is not an improvement: only a strictly lower loss "
                "makes a new best (and a new copy of the network).",
            ),
            (
                (right[0], right[1] + 1),
                "patience_off_by_one",
                f"you stopped one epoch late: after {patience} epochs without improvement, stop.",
            ),
            (
                (right[0], right[1] - 1),
                "patience_off_by_one",
                f"you stopped one epoch early: wait {patience} epochs without improvement.",
            ),
        )
        for candidate, key, hint in known:
            if got == tuple(candidate):
                return wrong(EARLY, f"On {what}, you answered {got}, not {right}: {hint}", key)
        return wrong(EARLY, f"On {what}, you answered {got}, not {right} (best epoch, stop).")
    return passed(
        EARLY,
        f"All {len(_curves())} curves give the (best epoch, stop) of the chapter's `fit`; on the "
        f"first, {solution_early_stopping(*_curves()[0][1:])}, although a lower loss would have "
        "come later.",
    )


# --- 7.2 Confusion matrix and accuracy ---------------------------------------------------------

CONFUSION = "Exercise 7.2 (a confusion matrix and the accuracy)"
B, K = 40, 4


def solution_confusion_and_accuracy(logits, labels, K):
    """logits (B, K), labels (B,) in [0, K) -> (C (K, K) counts, accuracy in [0, 1]).

    C[t, q] counts the samples of true class t predicted as q (the largest logit; no softmax
    needed: it does not change the order). The accuracy is the diagonal's share of all samples.
    """
    predicted = logits.argmax(dim=1)
    C = torch.bincount(K * labels + predicted, minlength=K * K).reshape(K, K)
    return C, C.trace().item() / len(labels)


def _confusion_data() -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(71)
    labels = torch.randint(0, K, (B,), generator=gen)
    logits = torch.randn(B, K, generator=gen, dtype=F64)
    logits[torch.arange(B), labels] += 1.0  # better than chance, not perfect
    return logits, labels


def check_confusion_and_accuracy(confusion_and_accuracy: Callable) -> Result:
    """Check ``confusion_and_accuracy(logits, labels, K)`` on 40 samples of 4 classes."""
    logits, labels = _confusion_data()
    out, failed = call(CONFUSION, confusion_and_accuracy, logits.clone(), labels.clone(), K)
    if failed:
        return failed
    if not isinstance(out, (tuple, list)) or len(out) != 2 or not torch.is_tensor(out[0]):
        return wrong(CONFUSION, f"Return the pair (C, accuracy), not {describe(out)}.")
    C, accuracy = out[0], as_float(out[1])
    right_C, right_acc = solution_confusion_and_accuracy(logits, labels, K)
    if C.shape != (K, K):
        return wrong(CONFUSION, f"C must be ({K}, {K}), one row per true class; got {describe(C)}.")
    C = C.detach().to(torch.int64) if not C.is_floating_point() else C.detach()
    if not torch.equal(C.to(F64), right_C.to(F64)):
        if torch.equal(C.to(F64), right_C.T.to(F64)):
            hint = "C is transposed: rows are the true classes, columns the predictions."
            return wrong(CONFUSION, hint, "transposed")
        if int(C.sum()) != B:
            return wrong(
                CONFUSION, f"C's counts add up to {C.sum().item():g}, not to the {B} samples."
            )
        return wrong(CONFUSION, "C is not the count of (true class, predicted class) pairs.")
    if accuracy is None:
        return wrong(CONFUSION, f"Return the accuracy as one number, not {describe(out[1])}.")
    if abs(accuracy - right_acc) < 1e-12:
        return passed(
            CONFUSION,
            f"C matches, and the accuracy {right_acc:.3f} is the diagonal's {int(right_C.trace())} "
            f"of {B}. The commonest mistake: class {_worst(right_C)}.",
        )
    known = (
        (100 * right_acc, "percent", "is a percentage: return the fraction, in [0, 1]."),
        (1 - right_acc, "error_rate", "is the error rate: the accuracy is the diagonal's share."),
        (
            right_C.trace().item(),
            "count",
            "is the number correct: divide by the number of samples.",
        ),
    )
    for candidate, key, hint in known:
        if abs(accuracy - candidate) < 1e-9:
            return wrong(CONFUSION, f"C is right; your accuracy {accuracy:g} {hint}", key)
    return wrong(CONFUSION, f"C is right; the accuracy {accuracy:g} is not its diagonal's share.")


def _worst(C: torch.Tensor) -> str:
    off = C.clone()
    off.fill_diagonal_(-1)
    k = int(off.flatten().argmax())
    return f"{k // K} read as {k % K}, {int(off.flatten()[k])} times"


# --- 7.3 What early stopping must save ---------------------------------------------------------

STATE = "Exercise 7.3 (what early stopping must save)"
STATE_CASES = ([128, 64], [32], [256, 128, 64])


def solution_state_size(hidden):
    """64 inputs → Linear → BatchNorm → ReLU per width in ``hidden`` → Linear to 10 logits.

    n_params: every Linear's weights and biases, plus γ and β (2 per feature) of each BatchNorm.
    n_state: n_params plus each BatchNorm's running mean and variance (2 more per feature): not
    trained by gradients, but evaluation mode reads them, so early stopping must save them too.
    """
    dims = [64, *hidden, 10]
    linear = sum(a * b + b for a, b in itertools.pairwise(dims))
    n_params = linear + 2 * sum(hidden)
    return n_params, n_params + 2 * sum(hidden)


def _measured(hidden) -> tuple[int, int]:
    gen = torch.Generator().manual_seed(73)
    layers, width = [], 64
    for h in hidden:
        layers += [Linear(width, h, generator=gen, dtype=F64), BatchNorm1d(h, dtype=F64), ReLU()]
        width = h
    model = Sequential([*layers, Linear(width, 10, generator=gen, dtype=F64)])
    n_params = sum(p.numel() for p in model.parameters())
    buffers = sum(
        layer.running_mean.numel() + layer.running_var.numel()
        for layer in model.layers
        if isinstance(layer, BatchNorm1d)
    )
    return n_params, n_params + buffers


def check_state_size(state_size: Callable) -> Result:
    """Check ``state_size(hidden) -> (n_params, n_state)`` on three networks."""
    for hidden in STATE_CASES:
        out, failed = call(STATE, state_size, list(hidden))
        if failed:
            return failed
        got = [as_float(v) for v in out] if isinstance(out, (tuple, list)) else []
        if len(got) != 2 or None in got or any(v != int(v) for v in got):
            return wrong(STATE, f"Return the pair (n_params, n_state), not {describe(out)}.")
        n_params, n_state = (int(v) for v in got)
        right_params, right_state = _measured(hidden)
        if (n_params, n_state) == (right_params, right_state):
            continue
        where = f"For hidden = {hidden}"
        bn = 2 * sum(hidden)
        if n_params != right_params:
            known = {
                right_params - bn: ("leaves out BatchNorm's γ and β, 2 per feature.", "no_bn"),
                right_params + bn: (
                    "counts the running statistics as parameters: no gradient trains them.",
                    "buffers_as_params",
                ),
            }
            hint, key = known.get(n_params, ("is not the number of trained numbers.", None))
            return wrong(STATE, f"{where}, n_params = {n_params:,} {hint}", key)
        if n_state == n_params:
            return wrong(
                STATE,
                f"{where}, n_state equals n_params: the running mean and variance are part of the "
                "state too; evaluation mode divides by them.",
                "no_buffers",
            )
        return wrong(STATE, f"{where}, n_params is right but n_state = {n_state:,} is not.")
    hidden = STATE_CASES[0]
    n_params, n_state = _measured(hidden)
    return passed(
        STATE,
        f"All {len(STATE_CASES)} networks match the numbers a built network holds; the chapter's "
        f"[64, {', '.join(map(str, hidden))}, 10] has {n_params:,} parameters and a state of "
        f"{n_state:,} numbers.",
    )


EXERCISES: tuple[tuple[Callable, Callable], ...] = (
    (check_early_stopping, solution_early_stopping),
    (check_confusion_and_accuracy, solution_confusion_and_accuracy),
    (check_state_size, solution_state_size),
)
