"""course.numerics: each helper against an answer known in closed form."""

import math

import torch

from course import numerics
from scratchnn import ELU, ReLU, Sigmoid, Tanh


def test_f_and_grad_and_grad_at():
    y, d = numerics.f_and_grad(Sigmoid(), torch.zeros(3, dtype=torch.float64))
    assert torch.equal(y, torch.full((3,), 0.5, dtype=torch.float64))
    assert torch.equal(d, torch.full((3,), 0.25, dtype=torch.float64))
    assert numerics.grad_at(Tanh(), 0.0) == 1.0


def test_refine_finds_the_minimum_and_maximum():
    x_min = numerics.refine(lambda xs: (xs - 0.3) ** 2, 0.0, 1.0, torch.argmin)
    assert abs(x_min - 0.3) < 1e-9
    x_max = numerics.refine(lambda xs: -((xs + 1.25) ** 2), -1.0, 1.0, torch.argmax)
    assert abs(x_max + 1.25) < 1e-9


def test_bisect_finds_the_switch():
    assert abs(numerics.bisect(lambda x: x * x > 2.0, 0.0, 2.0) - math.sqrt(2.0)) < 1e-12
    assert numerics.bisect(lambda x: x > 0, -1.0, 1.0) == 0.0  # never −0


def test_normal_cdf():
    assert numerics.normal_cdf(0.0) == 0.5
    assert abs(numerics.normal_cdf(1.959963984540054) - 0.975) < 1e-12


def test_value_range_of_known_functions():
    assert numerics.value_range(Sigmoid()) == ((0.0, False), (1.0, False))
    assert numerics.value_range(ReLU()) == ((0.0, True), (math.inf, False))
    assert numerics.value_range(ELU()) == ((-1.0, False), (math.inf, False))
    low, high = numerics.value_range(Tanh())
    assert numerics.fmt_range(low, high) == "(−1, 1)"


def test_flat_regions_match_closed_forms():
    (a, b), (c, d) = numerics.flat_regions(Sigmoid())
    t = math.log((1 + math.sqrt(0.6)) / (1 - math.sqrt(0.6)))  # σ(1 − σ) = 0.1
    assert a == -math.inf and d == math.inf
    assert abs(b + t) < 1e-9 and abs(c - t) < 1e-9
    ((a, b),) = numerics.flat_regions(ELU())  # e^x = 0.1
    assert a == -math.inf and abs(b - math.log(0.1)) < 1e-9
    assert numerics.fmt_regions([(-math.inf, -2.5)]) == "(−∞, −2.5)"
    assert numerics.fmt_regions([]) == "none"


def test_known_failures_rules():
    sigmoid_like = {
        "max_grad": 0.25,
        "regions": [(-math.inf, -2.292), (2.292, math.inf)],
        "zero_left": False,
        "min_left": 0.0,
        "mean": 0.5,
    }
    assert numerics.known_failures(sigmoid_like) == (
        "vanishing gradient: |f′| ≤ 0.25 everywhere; "
        "saturates on both sides: |f′| < 0.1 for |x| > 2.292; "
        "not zero-centred (mean output 0.500)"
    )
    relu_like = {
        "max_grad": 1.0,
        "regions": [(-math.inf, 0.0)],
        "zero_left": True,
        "min_left": 0.0,
        "mean": 0.0,
    }
    assert numerics.known_failures(relu_like) == "dying units: f′ = 0 exactly for every x < 0"
    leaky_like = {**relu_like, "zero_left": False, "min_left": 0.01}
    assert numerics.known_failures(leaky_like) == "weak gradient: |f′| = 0.01 for every x < 0"
    elu_like = {**leaky_like, "min_left": 0.0, "regions": [(-math.inf, -2.3026)]}
    assert numerics.known_failures(elu_like) == "saturates for x < −2.303: f′ → 0 there"
    steep = {**relu_like, "zero_left": False, "regions": [], "max_grad": 1.1}
    assert numerics.known_failures(steep) == "slope up to 1.100 > 1"
