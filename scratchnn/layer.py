"""The one interface every building block shares.

A layer is anything with ``forward(x) -> y`` and ``backward(dout) -> dx``. A layer that learns also
names its parameters in ``param_names``; the gradient of parameter ``P`` lives in attribute ``dP``
(``W`` -> ``dW``, later ``gamma`` -> ``dgamma``). That naming rule is the whole contract between
layers and optimizers:

- ``parameters()`` returns the parameter tensors. Optimizers update them **in place**, so the list
  they receive once stays valid for the whole of training.
- ``gradients()`` returns the matching gradients, read fresh after every ``backward``.

``backward`` *overwrites* gradients rather than adding to them, so there is no ``zero_grad``.

Layers whose behaviour differs between training and evaluation (BatchNorm, Dropout) read
``self.training``, switched by ``train()`` and ``eval()``.
"""

from __future__ import annotations

import torch


class Layer:
    """Base class: ``forward`` / ``backward`` plus the parameter protocol described above."""

    param_names: tuple[str, ...] = ()
    training: bool = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def backward(self, dout: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward(x)

    def children(self) -> list[Layer]:
        """Sub-layers, in forward order (none for a plain layer)."""
        return []

    def parameters(self) -> list[torch.Tensor]:
        """Every parameter tensor, this layer's first, then its children's."""
        own = [getattr(self, name) for name in self.param_names]
        return own + [p for child in self.children() for p in child.parameters()]

    def gradients(self) -> list[torch.Tensor]:
        """The gradients matching ``parameters()`` one for one; only valid after ``backward``."""
        own = []
        for name in self.param_names:
            grad = getattr(self, "d" + name, None)
            if grad is None:
                raise RuntimeError(
                    f"{type(self).__name__}.d{name} is not set: call backward() before reading "
                    "gradients or stepping"
                )
            own.append(grad)
        return own + [g for child in self.children() for g in child.gradients()]

    def step(self, lr: float) -> None:
        """Plain SGD, in place: ``P ← P − lr·dP`` for every parameter. O(#parameters)."""
        params, grads = self.parameters(), self.gradients()  # both checked before any update
        for p, g in zip(params, grads, strict=True):
            p.add_(g, alpha=-lr)  # one fused kernel, no temporary lr·g tensor

    def train(self, mode: bool = True) -> Layer:
        """Switch this layer and its children to training (or, with ``False``, evaluation) mode."""
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Layer:
        """Switch to evaluation mode (what BatchNorm and Dropout do at test time)."""
        return self.train(False)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
