"""nbconvert configuration for the book's notebook pages.

``gradbook/notebooks`` puts this folder on JUPYTER_CONFIG_PATH; mkdocs-jupyter loads the user's
nbconvert configuration (``NbConvertApp.load_config_file``) before applying its own settings.
"""

from gradbook.engine.notebook import merge_streams

c = get_config()  # noqa: F821 (traitlets provides get_config when it loads this file)
# On NotebookClient, which ExecutePreprocessor inherits: mkdocs-jupyter replaces the
# ExecutePreprocessor section with its own settings, but leaves this one alone.
c.NotebookClient.on_cell_executed = merge_streams
