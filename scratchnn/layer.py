"""The one interface every building block shares.

A layer is anything with ``forward(x) -> y`` and ``backward(dout) -> dx``. A layer that learns also
names its parameters in ``param_names``; the gradient of parameter ``P`` lives in attribute ``dP``
(``W`` -> ``dW``, later ``gamma`` -> ``dgamma``). That naming rule is the whole contract between
layers and optimizers:

- ``parameters()`` returns the parameter tensors. Optimizers update them **in place**, so the list
  they receive once stays valid for the whole of training.
- ``gradients()`` returns the matching gradients, read fresh after every ``backward``.

``backward`` *overwrites* gradients rather than adding to them, so there is no ``zero_grad``.

A call either finishes or changes nothing. Each layer computes first and stores its caches and
gradients last, by rebinding attributes (never by writing into the tensors they held). So the state
of a layer is its attribute dictionary, and a ``Snapshot`` of it (references, plus copies of the
little that changes in place: BatchNorm's running statistics, Dropout's generator) is enough to
put everything back: ``Sequential`` does that when one of its layers raises part way.

Layers whose behaviour differs between training and evaluation (BatchNorm, Dropout) read
``self.training``, switched by ``train()`` and ``eval()``.
"""

from __future__ import annotations

import torch


class Snapshot:
    """The state of ``obj`` (a layer or a loss) and of its sub-layers, to put back with ``restore``.

    Taken in O(#attributes): each attribute dictionary is copied, not the tensors in it, because a
    call rebinds its caches and gradients rather than writing into them. The exceptions are the
    attributes named in ``_updated_in_place``: a tensor there is copied (BatchNorm's running
    statistics), a ``torch.Generator`` has its state saved (Dropout's: every draw advances it).
    This runs at every call of a ``Sequential``: a few dictionary operations per layer.
    """

    def __init__(self, obj: object) -> None:
        self._obj = obj
        self._saved = []  # (object, its attributes, copies of what changes in place)
        pending = [obj]
        while pending:
            layer = pending.pop()
            attributes = vars(layer).copy()
            in_place = {}
            for name in getattr(layer, "_updated_in_place", ()):
                value = attributes.get(name)
                if isinstance(value, torch.Tensor):
                    in_place[name] = value.clone()
                elif isinstance(value, torch.Generator):
                    in_place[name] = value.get_state()
            self._saved.append((layer, attributes, in_place))
            if isinstance(layer, Layer):
                pending.extend(layer.children())

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


class all_or_nothing:  # noqa: N801 (a context manager, named like one written with contextlib)
    """``with all_or_nothing(obj): ...`` runs a block that changes ``obj``; if the block raises,
    ``obj`` is put back as it was (``Snapshot``) and the exception goes on."""

    def __init__(self, obj: object) -> None:
        self._before = Snapshot(obj)

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, error: BaseException | None, traceback: object) -> bool:
        if kind is not None:
            self._before.restore()
        return False  # never swallow the exception


class Layer:
    """Base class: ``forward`` / ``backward`` plus the parameter protocol described above."""

    param_names: tuple[str, ...] = ()
    training: bool = True
    # True for layers whose backward takes ``need_dx`` and can skip dL/dx (Linear, Sequential):
    # the first layer of a network gets its input from data, and nobody reads that gradient.
    skips_dx: bool = False
    # Attributes whose contents forward changes in place instead of rebinding them: tensors
    # (BatchNorm's running statistics) and generators (Dropout's). A ``Snapshot`` copies them.
    _updated_in_place: tuple[str, ...] = ()

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
        """Plain SGD, in place: ``P ← P − lr·dP`` for every parameter. O(#parameters).

        All or nothing: every gradient is checked against its parameter first, then one call,
        ``torch._foreach_add_`` (the multi-tensor add that torch.optim is built on), updates them
        all. A loop of ``p.add_(...)`` could stop half way (an exception between two
        iterations); the optimizers of ``scratchnn.optim`` avoid that by computing new values
        out of place and copying them in, which costs an extra pass over the parameters that
        plain SGD, with no state to keep, can do without.
        """
        params, grads = self.parameters(), self.gradients()  # both checked before any update
        for p, g in zip(params, grads, strict=True):
            if g.shape != p.shape or g.dtype != p.dtype or g.device != p.device:
                raise ValueError(
                    f"{type(self).__name__}.step: a gradient must match its parameter, expected "
                    f"shape {tuple(p.shape)}, {p.dtype} on {p.device}, got shape "
                    f"{tuple(g.shape)}, {g.dtype} on {g.device}"
                )
        torch._foreach_add_(params, grads, alpha=-lr)  # each p.add_(g, alpha=−lr), in one call

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
