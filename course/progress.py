"""Progress display for training loops: shown to a reader, silent when the book is executed.

Usage::

    for epoch in progress(range(200), desc="training"):
        ...

A reader who runs a chapter in Jupyter, Colab or Binder sees a progress bar with the step count,
the elapsed time and an estimate of the time left. When the book's notebooks are executed by
``make execute`` or checked by nbval, the environment variable ``SCRATCHNN_QUIET=1`` is set and
nothing at all is displayed, so the stored outputs (which nbval compares) never contain a bar.

Where the display goes:

- ``SCRATCHNN_QUIET`` set to anything but ``""``, ``"0"``, ``"false"`` or ``"no"``: nowhere.
- a Jupyter kernel (``ipykernel``): an ipywidgets bar, updated at most every ``interval`` seconds.
- a terminal (``stderr`` is a TTY): one line on ``stderr``, rewritten with ``\\r``.
- anything else (a script piped to a file, pytest): nowhere.

The display never changes what the loop computes: items are yielded unchanged, and no random
number is drawn.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

QUIET_ENV = "SCRATCHNN_QUIET"


def is_quiet() -> bool:
    """True when ``SCRATCHNN_QUIET`` asks for silence (make execute and make nbval set it)."""
    return os.environ.get(QUIET_ENV, "").strip().lower() not in ("", "0", "false", "no")


def frontend() -> str:
    """Where a progress display would go: ``"none"``, ``"widget"`` or ``"terminal"``."""
    if is_quiet():
        return "none"
    shell = _ipython_shell()
    if shell == "ZMQInteractiveShell":  # a Jupyter kernel: JupyterLab, Colab, Binder, VS Code
        return "widget"
    stream = sys.stderr
    if stream is not None and hasattr(stream, "isatty") and stream.isatty():
        return "terminal"
    return "none"


def _ipython_shell() -> str | None:
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None) if ipython is not None else None
    shell = get() if get is not None else None
    return type(shell).__name__ if shell is not None else None


def format_seconds(seconds: float) -> str:
    """``4.2 s``, ``3 min 05 s``, ``1 h 02 min``: what the bar shows for elapsed and left."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress(Generic[T]):
    """Iterate over ``iterable`` and show how far the loop has got (see the module docstring).

    Args:
        iterable: what the loop runs over; its items are yielded unchanged.
        total: the number of items, if ``len(iterable)`` does not say (``None``: unknown, and
            the display shows a count without a bar or an estimate).
        desc: a label shown before the count.
        interval: the least number of seconds between two updates of the display.
        clock: the time source (``time.perf_counter``); tests pass a fake one.

    ``note(text)`` sets a short text shown after the count, such as the latest loss.
    """

    def __init__(
        self,
        iterable: Iterable[T],
        total: int | None = None,
        desc: str = "",
        *,
        interval: float = 0.1,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        if total is None:
            try:
                total = len(iterable)  # type: ignore[arg-type]
            except TypeError:
                total = None
        if total is not None and (isinstance(total, bool) or total < 0):
            raise ValueError(f"progress: total must be a non-negative int, got {total!r}")
        self.iterable = iterable
        self.total = total
        self.desc = desc
        self.interval = interval
        self.clock = clock
        self.count = 0
        self.text = ""
        self.mode = frontend()
        self._start = 0.0
        self._last_shown = float("-inf")
        self._widgets: tuple | None = None  # (bar, label) in a Jupyter kernel

    def __len__(self) -> int:
        if self.total is None:
            raise TypeError("progress: the total is unknown")
        return self.total

    def note(self, text: str) -> None:
        """Show ``text`` after the count (e.g. ``f"loss {loss:.4f}"``); shown at the next update."""
        self.text = text

    def __iter__(self) -> Iterator[T]:
        self.count = 0
        self._start = self.clock()
        self._open()
        finished = False
        try:
            for item in self.iterable:
                yield item
                self.count += 1
                if self.clock() - self._last_shown >= self.interval:
                    self._show()
            finished = True
        finally:
            self._close(finished)

    # What the display says -----------------------------------------------------------------

    def status(self, finished: bool = False) -> str:
        """The display's text, e.g. ``training: 40/200 · 2.0 s · about 8.0 s left · loss 0.12``."""
        elapsed = self.clock() - self._start
        count = f"{self.count}/{self.total}" if self.total is not None else f"{self.count}"
        parts = [f"{self.desc}: {count}" if self.desc else count, format_seconds(elapsed)]
        if finished:
            parts.append("done")
        elif self.total and 0 < self.count < self.total:
            left = elapsed / self.count * (self.total - self.count)
            parts.append(f"about {format_seconds(left)} left")
        if self.text:
            parts.append(self.text)
        return " · ".join(parts)

    # The three displays --------------------------------------------------------------------

    def _open(self) -> None:
        if self.mode == "widget":
            self._widgets = _make_widgets(self.total)
            if self._widgets is None:  # ipywidgets missing: stay silent rather than fail
                self.mode = "none"
        self._show()

    def _show(self, finished: bool = False, stopped: bool = False) -> None:
        self._last_shown = self.clock()
        if self.mode == "none":
            return
        text = self.status(finished)
        if stopped:
            text += " · stopped"
        if self.mode == "widget" and self._widgets is not None:
            bar, label = self._widgets
            bar.value = min(self.count, bar.max)
            if finished:
                bar.bar_style = "success"
            elif stopped:
                bar.bar_style = "warning"
            label.value = text
        elif self.mode == "terminal":
            end = "\n" if finished or stopped else ""
            sys.stderr.write(f"\r{text}{end}")
            sys.stderr.flush()

    def _close(self, finished: bool) -> None:
        self._show(finished=finished, stopped=not finished)


def _make_widgets(total: int | None) -> tuple | None:
    try:
        import ipywidgets
        from IPython.display import display
    except ImportError:
        return None
    bar = ipywidgets.IntProgress(value=0, min=0, max=max(total or 0, 1))
    if total is None:
        bar.layout.display = "none"  # no bar for an unknown total: the count says it all
    label = ipywidgets.Label(value="")
    display(ipywidgets.HBox([bar, label]))
    return bar, label


def progress(
    iterable: Iterable[T], total: int | None = None, desc: str = "", *, interval: float = 0.1
) -> Progress[T]:
    """Wrap a loop's iterable to show its progress to a reader (nothing under ``SCRATCHNN_QUIET``).

    For example::

        for epoch in (bar := progress(range(epochs), desc="epochs")):
            loss = train_one_epoch(...)
            bar.note(f"loss {loss:.4f}")
    """
    return Progress(iterable, total, desc, interval=interval)
