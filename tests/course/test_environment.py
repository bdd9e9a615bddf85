"""course.environment: the facts a reader compares when their digits differ from the book's."""

from __future__ import annotations

import platform

import numpy as np
import torch

import scratchnn
from course.environment import (
    cpu_model,
    environment,
    environment_table,
    numpy_blas,
    torch_blas,
    torch_parallel_backend,
)


def test_environment_has_every_fact_as_a_string():
    env = environment()
    assert list(env) == [
        "Python",
        "operating system",
        "CPU",
        "logical cores",
        "torch",
        "torch CPU capability",
        "torch threads (intra-op)",
        "torch parallel backend",
        "torch BLAS",
        "torch default dtype",
        "thread variables",
        "numpy",
        "numpy BLAS",
        "scratchnn",
    ]
    assert all(isinstance(v, str) and v for v in env.values()), env
    assert env["Python"].startswith(platform.python_version())
    assert env["torch"] == torch.__version__
    assert env["numpy"] == np.__version__
    assert env["scratchnn"] == scratchnn.__version__
    assert env["torch default dtype"] == "float32"


def test_threads_follow_torch(monkeypatch):
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert environment()["torch threads (intra-op)"] == "1"
    finally:
        torch.set_num_threads(before)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert "OMP_NUM_THREADS=3" in environment()["thread variables"]
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert "OMP_NUM_THREADS=unset" in environment()["thread variables"]


def test_cpu_and_libraries_are_named():
    assert cpu_model() not in ("", "unknown")
    assert torch_blas() != "unknown"  # torch's build settings always carry BLAS_INFO
    assert torch_parallel_backend() != "unknown"
    assert numpy_blas()


def test_table_is_markdown_with_one_row_per_fact():
    env = {"Python": "3.11", "odd": "a|b"}
    table = environment_table(env).data.splitlines()
    assert table[:2] == ["| what | value |", "|---|---|"]
    assert table[2:] == ["| Python | 3.11 |", "| odd | a/b |"]  # a | would split the cell
