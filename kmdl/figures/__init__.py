"""Matplotlib figures drawn by the pages and the command line.

Each submodule draws one family of figures and returns the ``Figure`` it
made, so the caller decides whether to show or save it.
"""
