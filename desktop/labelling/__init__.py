"""The labelling page's parts: the lazy example list, the answer editors, undo, agreement."""
