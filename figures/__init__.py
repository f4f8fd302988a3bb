"""The book's executable figures: one script per figure, each with ``ALT``, ``data(**params)`` (its numbers)
and ``make(**params)`` (which draws them)."""
