"""The Training page (page.py) and its parts: the run setup form and the live view of a run."""
