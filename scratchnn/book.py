"""Helpers for the book's notebooks: show the library's real source, never a retyped copy."""

from __future__ import annotations

import inspect
import textwrap

from IPython.display import Markdown


def show_source(obj: object) -> Markdown:
    """The source of a scratchnn class, function or method, as a highlighted code block.

    Reads the installed file with ``inspect``, so the book always shows the code that runs. It is
    returned as Markdown so the book's own theme highlights it (light and dark alike).
    """
    source = textwrap.dedent(inspect.getsource(obj)).rstrip()
    return Markdown(f"```python\n{source}\n```")
