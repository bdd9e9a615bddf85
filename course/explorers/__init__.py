"""Interactive explorers for the book: sliders that stay live in the static HTML pages.

    from course.explorers import activation_explorer; activation_explorer()     # chapter 2
    from course.explorers import forward_pass_explorer; forward_pass_explorer() # chapter 3
    from course.explorers import loss_explorer; loss_explorer()                 # chapter 4
    from course.explorers import training_explorer; training_explorer()         # chapter 4
    from course.explorers import optimizer_paths_explorer                       # chapter 5
    from course.explorers import gradient_flow_explorer                         # chapter 6

Each returns one anywidget (controls, drawing and caption, drawn by one JavaScript module),
whose ``lookup(**setting)`` is what it shows at a setting. All numbers are computed here, in
Python, by scratchnn; the JavaScript next to these modules only draws and looks them up. This
subpackage needs anywidget; scratchnn never imports it (the course imports scratchnn, not the
reverse).
"""

import importlib

# Each explorer's module is imported when one of its names is first asked for, so a chapter loads,
# and its stored hash covers (scripts/notebooks.py), only the explorers it shows.
MODULES = {
    "activation_explorer": "activation",
    "activation_table": "activation",
    "forward_pass_explorer": "forward_pass",
    "forward_pass_network": "forward_pass",
    "forward_table": "forward_pass",
    "flow_payload": "gradient_flow",
    "gradient_flow_explorer": "gradient_flow",
    "loss_explorer": "loss",
    "loss_table": "loss",
    "optimizer_paths_explorer": "optimizer_paths",
    "paths_payload": "optimizer_paths",
    "training_explorer": "training",
    "training_payload": "training",
}
__all__ = sorted(MODULES)


def __getattr__(name: str):
    if name in MODULES:
        return getattr(importlib.import_module(f"{__name__}.{MODULES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
