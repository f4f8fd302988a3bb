"""gradbook.engine: draws the book's figures and typesets its math, knowing nothing of MkDocs.

Data flows one way: the math (``gradbook.*``) → figure scripts (``figures/``) → this engine →
the site generator's adapters (``gradbook.mkdocs``). Nothing here imports an adapter.

- ``registry``: find figure scripts and read their caption, ALT and parameters without running them
- ``request``: what a reference asks for, resolved once into one canonical Request with one hash
- ``pages``: figure references in Markdown, each resolved once, numbered per page
- ``xref``: cross-references by name, ``[图](#fig:NAME)`` → 图 2.3 linked to it, resolved book-wide
- ``deps``: what a figure's bytes depend on (script, imported gradbook modules, render code, font)
- ``store``: one checksummed, atomic store for figures, math and notebooks, with one key scheme
- ``pool``: the store in front of the renderer (fresh spawned workers, or this process)
- ``render``: run a script's ``make()`` under the house style and save deterministic bytes
- ``style``: the house style (carried CJK font in ``fonts/``, palette, marks)
- ``gallery``: the gallery page as Markdown
- ``tex``: TeX typeset at build time (MathJax in V8)
- ``notebook``: executed-notebook helpers (stream coalescing, folded solutions)
- ``cli``: the ``gradbook`` command
- ``wheel``: gradbook's own wheel, built from the sources once per content (the site serves it)

Kept import-free on purpose: a figure script importing ``gradbook.engine.style`` pulls in
nothing else, and only what it imports enters its cache key.
"""
