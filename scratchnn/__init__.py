"""scratchnn: neural networks from scratch, every matrix multiply and gradient by hand.

Only raw tensor operations are used: no torch.nn, torch.nn.functional or torch.autograd.
"""

from . import checks, optim
from .activations import (
    ACTIVATIONS,
    ELU,
    GELU,
    Activation,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Swish,
    Tanh,
    get_activation,
    sigmoid,
)
from .batchnorm import BatchNorm1d
from .checks import (
    gradcheck,
    gradient_errors,
    numerical_gradient,
    relative_error,
)
from .cost import LinearFlops, MLPFlops, linear_flops, mlp_flops, parameter_count
from .dropout import Dropout
from .layer import Layer
from .linear import Linear
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    ElementwiseLoss,
    HuberLoss,
    Loss,
    MAELoss,
    MSELoss,
    SoftmaxCELoss,
    log_softmax,
)
from .mlp import MLP, Sequential
from .optim import SGD, Adam, AdamW, CosineLR, Momentum, RMSProp, StepLR

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "ELU",
    "GELU",
    "MLP",
    "SGD",
    "Activation",
    "Adam",
    "AdamW",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "CosineLR",
    "Dropout",
    "ElementwiseLoss",
    "HuberLoss",
    "Layer",
    "LeakyReLU",
    "Linear",
    "LinearFlops",
    "Loss",
    "MAELoss",
    "MLPFlops",
    "MSELoss",
    "Momentum",
    "RMSProp",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SoftmaxCELoss",
    "StepLR",
    "Swish",
    "Tanh",
    "checks",
    "get_activation",
    "gradcheck",
    "gradient_errors",
    "linear_flops",
    "log_softmax",
    "mlp_flops",
    "numerical_gradient",
    "optim",
    "parameter_count",
    "relative_error",
    "sigmoid",
]
