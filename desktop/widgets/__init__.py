"""Reusable widgets: tables, charts, highlighted text, empty states."""
