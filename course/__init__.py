"""course: the machinery of the book around ``scratchnn``, the subject it teaches.

Explorers (interactive figures), exercises with their checks, the helpers the chapters share
(showing library source, tables, glued numbers), plotting style, timing and the environment
report. Install with ``pip install -e ".[book]"``; ``scratchnn`` itself needs torch alone.
"""
