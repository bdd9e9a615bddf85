"""A Sphinx extension for the API reference: show a docstring that is not valid reST as plain text.

scratchnn's docstrings are written for people reading the source: Google-style sections (which
napoleon turns into reST) around plain text with ASCII math such as ``|ε| ≤ δ`` or an indented
formula right under a sentence. In reST those mean something else (``|ε|`` is a substitution, an
unannounced indent is an error), and with ``--warningiserror`` one such docstring fails the build.

Rather than rewrite the library's docstrings for Sphinx, this extension parses each docstring
after napoleon, on its own, with docutils. If docutils reports a warning or an error, the
docstring is shown as a literal block: exactly as written, in a monospace font, which is how its
author laid it out. Docstrings that are valid reST are left alone. Roles and directives that only
Sphinx knows (``:class:``, ``.. attribute::``) are not counted as errors.

Enabled in _config.yml (``sphinx.local_extensions``). ``python scripts/plain_docstrings.py`` lists
the docstrings that fall back, so that they can be fixed at the source if one wishes.
"""

from __future__ import annotations

import io
import re
from typing import ClassVar

MESSAGE = re.compile(r"\((WARNING|ERROR|SEVERE)/[234]\) (.*)")


def _isolated_lookups():
    """Patches that make docutils resolve only its own roles and directives during a check.

    Inside a Sphinx build, docutils' lookups are redirected to Sphinx's registries, and Sphinx's
    directives need a build environment that a standalone parse does not have. For the check,
    a docutils built-in resolves as usual and anything else becomes a harmless stand-in.
    """
    import importlib
    from collections import defaultdict
    from unittest import mock

    from docutils import nodes
    from docutils.parsers.rst import Directive, directives, roles

    class AnyDirective(Directive):
        has_content = True
        optional_arguments = 99
        final_argument_whitespace = True
        option_spec: ClassVar = defaultdict(lambda: directives.unchanged)

        def run(self):
            return []

    def any_role(name, rawtext, text, lineno, inliner, options=None, content=None):
        return [nodes.literal(rawtext, text)], []

    def lookup_directive(name, language_module, document):
        entry = directives._directive_registry.get(name.lower())
        if entry is None:
            return AnyDirective, []
        module = importlib.import_module(f"docutils.parsers.rst.directives.{entry[0]}")
        return getattr(module, entry[1]), []

    def lookup_role(name, language_module, lineno, reporter):
        function = roles._role_registry.get((name or roles.DEFAULT_INTERPRETED_ROLE).lower())
        return (function or any_role), []

    return (
        mock.patch.object(directives, "directive", lookup_directive),
        mock.patch.object(roles, "role", lookup_role),
    )


def rest_problems(text: str) -> list[str]:
    """The warnings and errors docutils reports for ``text`` as a standalone reST document.

    Roles and directives that docutils does not know (Sphinx's) are accepted without a check.
    """
    from docutils.core import publish_doctree

    stream = io.StringIO()
    patch_directive, patch_role = _isolated_lookups()
    with patch_directive, patch_role:
        publish_doctree(
            text,
            settings_overrides={
                "report_level": 2,
                "halt_level": 5,
                "warning_stream": stream,
                "file_insertion_enabled": False,
                "raw_enabled": False,
            },
        )
    return [match.group(2).strip() for match in MESSAGE.finditer(stream.getvalue())]


def as_literal(lines: list[str]) -> list[str]:
    """``lines`` as one reST literal block."""
    return ["::", ""] + [f"   {line}" if line.strip() else "" for line in lines] + [""]


def process_docstring(app, what, name, obj, options, lines: list[str]) -> None:
    if not any(line.strip() for line in lines):
        return
    if rest_problems("\n".join(lines)):
        lines[:] = as_literal(lines)


def setup(app):
    # After napoleon (priority 500): its reST output is what gets checked.
    app.connect("autodoc-process-docstring", process_docstring, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


def _report() -> None:
    """Print every scratchnn docstring that would be shown as plain text, and why."""
    import importlib
    import inspect
    import pkgutil

    from sphinx.ext.napoleon import Config
    from sphinx.ext.napoleon.docstring import GoogleDocstring

    import scratchnn

    config = Config(napoleon_google_docstring=True, napoleon_numpy_docstring=False)
    seen = set()
    modules = ["scratchnn"] + [
        m.name for m in pkgutil.walk_packages(scratchnn.__path__, "scratchnn.")
    ]
    for module_name in modules:
        module = importlib.import_module(module_name)
        objects = [(module_name, module)]
        for attr, value in vars(module).items():
            if attr.startswith("_") or getattr(value, "__module__", None) != module_name:
                continue
            objects.append((f"{module_name}.{attr}", value))
            if inspect.isclass(value):
                for meth, member in vars(value).items():
                    if not meth.startswith("_") and inspect.getdoc(member):
                        objects.append((f"{module_name}.{attr}.{meth}", member))
        for qualname, value in objects:
            doc = inspect.getdoc(value)
            if not doc or id(value) in seen:
                continue
            seen.add(id(value))
            text = str(GoogleDocstring(doc, config))
            problems = rest_problems(text)
            if problems:
                print(f"{qualname}: {problems[0]}")


if __name__ == "__main__":
    _report()
