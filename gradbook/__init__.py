"""gradbook: the library behind 梯度之书 (the book's math core, figures and build integration).

Kept import-light on purpose: figures and tests import the submodules they need.
"""

__version__ = "0.1.0"
