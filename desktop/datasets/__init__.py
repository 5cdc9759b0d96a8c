"""The Datasets page (page.py) and its parts: the freeze dialog, a version's overview, readiness and diff."""
