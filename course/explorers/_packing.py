"""Compact, exact text for the learning explorers' large tables (heatmaps, paths).

A heatmap of 24 × 24 probabilities for each of 2,000 frames would be megabytes of JSON numbers.
Here each value becomes an integer *level* and each level one or two characters of the URL-safe
base-64 alphabet, which JSON stores as they are (no escapes). The view reads the characters back
as levels with ``unpack`` in ``packing.js``, the one JavaScript decoder (a table from character
to digit; a test runs it under node on bytes packed here): a lookup, never arithmetic on the
library's numbers.

Quantising is also what keeps the stored page machine-independent: two machines whose float64
results differ in the 16th digit give the same level unless a value sits within that distance of
a level boundary. Values pile up where the math is exact, so no boundary is put there: a path
that converges to w = 0 must not straddle a level edge at 0 (``levels(..., nearest=True)`` with
a power-of-two count puts 0 at a level's centre, and every edge at a long decimal), and a loss
that is exactly 11.00545 must not round to 11.0055 on one machine and 11.0054 on another
(``rounded_clear``).
"""

from __future__ import annotations

import torch

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"  # 64 symbols


TIE_SHIFT = 1e-6  # rounding edges move up by this fraction of the last printed digit


def levels(
    values: torch.Tensor, lo: float, hi: float, count: int, *, nearest: bool = False
) -> torch.Tensor:
    """Each value's level on [lo, hi], as int64 of the same shape.

    Default: the bin ⌊(v − lo)/(hi − lo)·count⌋ of ``count`` equal bins, clamped to 0 … count − 1.
    ``nearest``: the nearest of the count + 1 points lo + k·(hi − lo)/count, k = 0 … count, so
    that (for a power-of-two count and a box symmetric about 0) short decimals sit off the edges.
    """
    scaled = (values.double() - lo) / (hi - lo) * count
    if nearest:
        return torch.floor(scaled + 0.5).clamp(0, count).to(torch.int64)
    return torch.floor(scaled).clamp(0, count - 1).to(torch.int64)


def rounded_clear(values: torch.Tensor, decimals: int) -> list | float:
    """``_common.round_decimals``, with every rounding edge moved off the exact decimal tie.

    A value computed from short decimals (a start at (−4, 1), a learning rate of 0.005) can be a
    tie such as 11.00545 exactly, which float noise in the last bit rounds either way. Rounding
    v − TIE_SHIFT·10⁻ᵈ instead puts each edge a millionth of the last digit above the tie, where
    no value piles up; a tie then always rounds down, and no other value moves by more than that
    millionth. values: a tensor of any shape -> the same nesting of Python floats.
    """
    if values.ndim == 0:
        shift = TIE_SHIFT * 10.0**-decimals
        return round(values.item() - shift, decimals) + 0.0
    return [rounded_clear(v, decimals) for v in values]


def pack(ints: torch.Tensor, chars: int = 1) -> str:
    """Integers 0 … 64**chars − 1, flattened row-major, as ``chars`` base-64 characters each.

    ints: any shape, int64 -> a string of ``chars · ints.numel()`` characters, most significant
    character first.
    """
    flat = ints.reshape(-1).tolist()
    if flat and not 0 <= min(flat) <= max(flat) < 64**chars:
        raise ValueError(f"pack: values must lie in [0, {64**chars}), got {min(flat)}…{max(flat)}")
    out = []
    for v in flat:
        digits = [(v >> (6 * k)) & 63 for k in reversed(range(chars))]
        out.append("".join(ALPHABET[d] for d in digits))
    return "".join(out)


def unpack(text: str, chars: int = 1) -> list[int]:
    """The inverse of ``pack``, as ``packing.js`` reads it (used by the tests)."""
    values = []
    for start in range(0, len(text), chars):
        v = 0
        for ch in text[start : start + chars]:
            v = 64 * v + ALPHABET.index(ch)
        values.append(v)
    return values
