"""The datasets page's parts: the freeze dialog, a version's overview, readiness and diff."""
