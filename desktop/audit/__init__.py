"""The Audit page (page.py) and its parts: the readable event list and the lineage view."""
