"""gradbook.mkdocs: thin MkDocs adapters over ``gradbook.engine``, one concern each.

- ``figures`` (plugin ``gradbook/figures``): figure references → rendered files, numbered
  captions and source folds; the gallery page
- ``math`` (plugin ``gradbook/math``): TeX typeset at build time into every page
- ``notebooks`` (plugin ``gradbook/notebooks``): mkdocs-jupyter's pages get a download box,
  folded solutions, stable ids, and an execution cache keyed by the gradbook code they import
- ``pdf`` (plugin ``gradbook/pdf``): the whole book printed to one PDF after the build

Moving to another site generator means new adapters beside these, not a new engine.
"""

import os
from pathlib import Path

from gradbook.engine.store import cache_root


def store_root(config) -> Path:
    """The adapters' one store: ``.cache/gradbook`` beside mkdocs.yml, or ``$GRADBOOK_CACHE``."""
    return cache_root(Path(config.config_file_path).resolve().parent / ".cache" / "gradbook")


def quick() -> bool:
    """``GRADBOOK_QUICK`` set (``dev.py serve --quick``): the author's loop may serve what a shared
    change left as it was (figures, the wheel); a full build never does."""
    return os.environ.get("GRADBOOK_QUICK", "").lower() not in {"", "0", "false", "no"}
