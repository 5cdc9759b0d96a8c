"""Reusable widgets: the page base class, tables, charts, highlighted text, empty states."""
