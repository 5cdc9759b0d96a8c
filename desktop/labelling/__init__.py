"""The Labelling page (page.py) and its parts: the lazy example list, the answer editors, undo, agreement."""
