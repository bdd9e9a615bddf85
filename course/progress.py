"""Progress bars for the chapters' long loops: tqdm's own, silent under ``TQDM_DISABLE=1``.

    from course.progress import tqdm
    for epoch in tqdm(range(epochs), desc="epochs"): ...

A reader running a chapter sees tqdm's bar (a widget in Jupyter, a line in a terminal). The book
stores none: a bar prints this machine's speed ("324.84it/s"), and `make execute` and nbval set
``TQDM_DISABLE=1``. tqdm reads its defaults from ``TQDM_*`` variables, but its notebook bar, the
one ``tqdm.auto`` picks in Jupyter, sets ``disable=False`` itself and so never sees that variable
(tqdm 4.70): this passes it on.
"""

from __future__ import annotations

import os
from typing import Any

from tqdm.auto import tqdm as _tqdm


def quiet() -> bool:
    """Whether ``TQDM_DISABLE`` asks for no progress bar (any value but "", "0" or "false")."""
    return os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false")


def tqdm(*args: Any, **kwargs: Any) -> _tqdm:
    """``tqdm.auto.tqdm(*args, **kwargs)``, disabled when ``TQDM_DISABLE`` says so."""
    kwargs.setdefault("disable", quiet())
    return _tqdm(*args, **kwargs)
