"""The one interface every building block shares, and the guarantees every layer keeps.

A layer is anything with ``forward(x) -> y`` and ``backward(dout) -> dx``. A layer that learns also
names its parameters in ``param_names``; the gradient of parameter ``P`` lives in attribute ``dP``
(``W`` -> ``dW``, later ``gamma`` -> ``dgamma``). That naming rule is the whole contract between
layers and optimizers:

- ``parameters()`` returns the parameter tensors. Optimizers update them **in place**, so the list
  they receive once stays valid for the whole of training.
- ``gradients()`` returns the matching gradients, read fresh after every ``backward``.

``backward`` *overwrites* gradients rather than adding to them, so there is no ``zero_grad``.

A subclass writes only the math, in ``_forward(x)`` and ``_backward(dout)``. Everything else
lives here, once, in ``forward`` and ``backward``:

- the input is checked first (a floating-point tensor, at least one row; for a layer with
  parameters, (B, ``in_width``) with their dtype and device), and ``dout`` must have the shape,
  dtype and device of what forward returned; backward before forward is a clear error;
- a call either finishes or changes nothing: a ``Snapshot`` of the layer is taken before the math
  runs and put back if it raises, so the next backward still pairs one batch's caches.

Layers whose behaviour differs between training and evaluation (BatchNorm, Dropout) read
``self.training``, switched by ``train()`` and ``eval()``.
"""

from __future__ import annotations

import torch

from . import _validate


class Snapshot:
    """The state of ``obj`` (a layer or a loss) and of its sub-layers, to put back with ``restore``.

    Taken in O(#attributes): each attribute dictionary is copied, not the tensors in it, because
    the math rebinds its caches and gradients rather than writing into them. The exceptions are
    the attributes named in ``_updated_in_place``: a tensor there is copied (BatchNorm's running
    statistics), a ``torch.Generator`` has its state saved (Dropout's: every draw advances it).
    """

    def __init__(self, obj: object) -> None:
        self._obj = obj
        self._saved = []  # (object, its attributes, copies of what changes in place)
        pending = [obj]
        while pending:
            layer = pending.pop()
            in_place = {}
            for name in getattr(layer, "_updated_in_place", ()):
                value = getattr(layer, name, None)
                if isinstance(value, torch.Tensor):
                    in_place[name] = value.clone()
                elif isinstance(value, torch.Generator):
                    in_place[name] = value.get_state()
            self._saved.append((layer, vars(layer).copy(), in_place))
            if isinstance(layer, Layer):
                pending += layer.children()

    def restore(self) -> None:
        """Put every attribute, in-place tensor and generator back as it was."""
        for layer, attributes, in_place in self._saved:
            state = vars(layer)
            state.clear()
            state.update(attributes)
            for name, saved in in_place.items():
                if isinstance(state[name], torch.Generator):
                    state[name].set_state(saved)
                else:
                    state[name].copy_(saved)  # the same tensor object gets its old values


class Layer:
    """Base class: ``forward`` / ``backward`` around a subclass's ``_forward`` / ``_backward``."""

    param_names: tuple[str, ...] = ()
    training: bool = True
    # True where ``_backward`` takes ``need_dx`` and can skip dL/dx (Linear, Sequential).
    skips_dx: bool = False
    # Attributes whose contents _forward changes in place instead of rebinding them: tensors
    # (BatchNorm's running statistics) and generators (Dropout's). A ``Snapshot`` copies them.
    _updated_in_place: tuple[str, ...] = ()
    # What the last forward returned, (shape, dtype, device): what backward's dout must match.
    _output: tuple[torch.Size, torch.dtype, torch.device] | None = None

    @property
    def in_width(self) -> int | None:
        """The width d of the (B, d) batches a layer with parameters takes, or None (any)."""
        return None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, …) -> y.  Checks x, then runs ``_forward``; if that raises, changes nothing."""
        width = self.in_width
        like = None if width is None else getattr(self, self.param_names[0])  # its dtype, device
        if not _validate.fits_layer(x, width, like):  # the message is built only for an error
            _validate.layer_input(x, width, like, f"{type(self).__name__}.forward(x)")
        before = Snapshot(self)
        try:
            y = self._forward(x)
            self._output = (y.shape, y.dtype, y.device)
        except BaseException:
            before.restore()
            raise
        return y

    def backward(self, dout: torch.Tensor, *, need_dx: bool = True) -> torch.Tensor | None:
        """dout = dL/dy, forward's output's shape -> dL/dx (None if not ``need_dx``).

        Fills the gradients ``dP`` of the parameters. The input of a network is data, and nobody
        reads the gradient of data: ``need_dx=False`` says so, and a layer that can skip computing
        it (``Linear``: one matrix product) sets ``skips_dx`` and takes ``need_dx``. If
        ``_backward`` raises, the layer is put back as it was.
        """
        expected = self._forward_output()
        if expected is None:
            raise RuntimeError(f"{type(self).__name__}.backward() called before forward()")
        shape, dtype, device = expected
        if not (
            isinstance(dout, torch.Tensor)
            and dout.shape == shape
            and dout.dtype == dtype
            and dout.device == device
        ):  # the message is built only for an error
            _validate.dout(dout, shape, dtype, device, self)
        before = Snapshot(self)
        try:
            dx = self._backward(dout, need_dx=need_dx) if self.skips_dx else self._backward(dout)
        except BaseException:
            before.restore()
            raise
        return dx if need_dx else None

    def _forward_output(self) -> tuple[torch.Size, torch.dtype, torch.device] | None:
        """(shape, dtype, device) of what the last forward returned: what dout must match."""
        return self._output

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _backward(self, dout: torch.Tensor) -> torch.Tensor:
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
        """Plain SGD, in place: ``p -= lr * dp`` for every parameter. O(#parameters).

        The rule of ``scratchnn.optim.SGD``, with its check first: every gradient exists and
        matches its parameter before any tensor changes.
        """
        params, grads = self.parameters(), self.gradients()
        _validate.gradients(params, grads, f"{type(self).__name__}.step")
        for p, dp in zip(params, grads, strict=True):
            p -= lr * dp

    def snapshot(self) -> Snapshot:
        """The state of this layer and its children (caches, gradients, buffers), for ``restore``.

        Cost: O(#attributes), plus a copy of each tensor updated in place (BatchNorm's running
        statistics).
        """
        return Snapshot(self)

    def restore(self, snapshot: Snapshot) -> None:
        """Put back the state ``snapshot`` saved: the next backward uses that forward's caches."""
        if snapshot._obj is not self:
            raise ValueError(
                f"{type(self).__name__}.restore: expected a snapshot of this layer, got one of "
                f"another {type(snapshot._obj).__name__}"
            )
        snapshot.restore()

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
