"""The Evaluation page (page.py) and its parts: plots, the review panel, dialogs."""
