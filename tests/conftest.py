"""Test settings: a bounded, deterministic hypothesis profile (helpers live in reference.py)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Bounded, deterministic, no deadline: CI machines are slow and timing is not what we test.
settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "40")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci")
