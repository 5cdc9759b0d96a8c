"""The Home page (page.py): the workspace at a glance and the next step."""
