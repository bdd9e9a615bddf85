"""Interactive explorers for the book: sliders that stay live in the static HTML pages.

    from course.explorers import activation_explorer; activation_explorer()     # chapter 2
    from course.explorers import forward_pass_explorer; forward_pass_explorer() # chapter 3
    from course.explorers import loss_explorer; loss_explorer()                 # chapter 4
    from course.explorers import training_explorer; training_explorer()         # chapter 4
    from course.explorers import optimizer_paths_explorer                       # chapter 5
    from course.explorers import gradient_flow_explorer                         # chapter 6

Each returns one displayable box (controls, drawing, caption), whose ``lookup(**setting)`` is
what it shows at a setting. All numbers are computed here, in Python, by scratchnn; the
JavaScript next to these modules only draws and looks them up. This subpackage needs ipywidgets
and anywidget; scratchnn never imports it (the course imports scratchnn, not the reverse).
"""

from .activation import activation_explorer, activation_table
from .forward_pass import forward_pass_explorer, forward_pass_network, forward_table
from .gradient_flow import flow_payload, gradient_flow_explorer
from .loss import loss_explorer, loss_table
from .optimizer_paths import optimizer_paths_explorer, paths_payload
from .training import training_explorer, training_payload

__all__ = [
    "activation_explorer",
    "activation_table",
    "flow_payload",
    "forward_pass_explorer",
    "forward_pass_network",
    "forward_table",
    "gradient_flow_explorer",
    "loss_explorer",
    "loss_table",
    "optimizer_paths_explorer",
    "paths_payload",
    "training_explorer",
    "training_payload",
]
