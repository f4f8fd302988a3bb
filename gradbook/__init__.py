"""gradbook: the library behind 梯度之书.

- ``gradbook.*`` (calculus, autodiff, optimizers, models, …): the math the book teaches, which
  readers import beside the chapters;
- ``gradbook.engine``: draws the figures (scripts in ``figures/``) and typesets the math;
- ``gradbook.mkdocs``: the MkDocs adapters that publish the book.

Data flows one way: math → figure scripts → engine → adapters. Kept import-light on purpose:
figures and tests import the submodules they need.
"""

__version__ = "0.1.0"
