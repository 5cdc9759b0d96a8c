"""Widgets of the Evaluation page: plots, the review panel, dialogs."""
