"""The package's promise: no torch.nn, torch.nn.functional or torch.autograd inside scratchnn."""

import ast
from pathlib import Path

import scratchnn

FORBIDDEN = ("torch.nn", "torch.autograd", "torch.func")


def test_no_forbidden_module_is_imported_or_used():
    for path in Path(scratchnn.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Attribute):
                names = [ast.unparse(node)]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name}:{node.lineno} uses {name}"
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("requires_grad_", "grad_fn"), f"{path.name} uses autograd"
