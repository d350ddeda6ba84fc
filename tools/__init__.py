"""Developer tools of the collection, run from the root of the checkout (``python -m tools.<name>``); not shipped."""
