"""Widgets of the Training page: the run setup form and the live view of a run."""
