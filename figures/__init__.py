"""The book's executable figures: one script per figure, each with ``ALT`` and ``make(**params)``."""
