"""Interactive explorers for the book: sliders that stay live in the static HTML pages.

    from course.explorers import activation_explorer; activation_explorer()     # chapter 2
    from course.explorers import forward_pass_explorer; forward_pass_explorer() # chapter 3
    from course.explorers import loss_explorer; loss_explorer()                 # chapter 4

Each returns one displayable box (controls, drawing, caption). All numbers are computed here, in
Python, by scratchnn; the JavaScript next to these modules only draws and looks them up. This
subpackage needs ipywidgets and anywidget; the rest of scratchnn does not import it.
"""

from .activation import activation_explorer, activation_table
from .forward_pass import forward_pass_explorer, forward_pass_network, forward_table
from .loss import loss_explorer, loss_table

__all__ = [
    "activation_explorer",
    "activation_table",
    "forward_pass_explorer",
    "forward_pass_network",
    "forward_table",
    "loss_explorer",
    "loss_table",
]
