"""FLOP formulas: exact counts, checked against counting the operations one by one."""

import pytest

from scratchnn import linear_flops, mlp_flops, parameter_count


def brute_force_linear(B, M, N):
    """Count the operations of the naive loops the book writes out."""
    forward = B * N * (M + M) + B * N  # M mults and M adds per output (the article's count), bias
    weight_grad = M * N * (B + B)
    bias_grad = N * B
    input_grad = B * M * (N + N)
    return forward, weight_grad, bias_grad, input_grad


@pytest.mark.parametrize(("B", "M", "N"), [(1, 1, 1), (3, 5, 7), (256, 512, 512)])
def test_linear_flops(B, M, N):
    cost = linear_flops(B, M, N)
    assert (cost.forward, cost.weight_grad, cost.bias_grad, cost.input_grad) == brute_force_linear(
        B, M, N
    )
    assert cost.backward == 4 * B * M * N + B * N
    assert cost.total == cost.forward + cost.backward
    assert linear_flops(B, M, N, need_dx=False).input_grad == 0


def test_article_example_134_million():
    assert 2 * 256 * 512 * 512 == linear_flops(256, 512, 512).weight_grad == 134_217_728


def test_backward_is_about_twice_forward_not_three_times():
    cost = linear_flops(256, 512, 512)
    assert 1.99 < cost.backward / cost.forward < 2.0


def test_mlp_flops_sums_layers_and_skips_first_dx():
    dims, B = [4, 8, 3], 10
    total = mlp_flops(dims, B)
    assert total.forward == linear_flops(B, 4, 8).forward + linear_flops(B, 8, 3).forward
    assert total.layers[0].input_grad == 0 and total.layers[1].input_grad > 0
    assert mlp_flops(dims, B, need_input_grad=True).layers[0].input_grad == 2 * B * 4 * 8
    assert total.total == total.forward + total.backward


def test_parameter_count():
    assert parameter_count([2, 4, 4, 1]) == (2 * 4 + 4) + (4 * 4 + 4) + (4 * 1 + 1)


@pytest.mark.parametrize("bad", [0, -3, 1.5])
def test_bad_sizes(bad):
    with pytest.raises(ValueError, match="positive int"):
        linear_flops(bad, 2, 2)
    with pytest.raises(ValueError, match="at least 2 widths"):
        mlp_flops([3], 2)
