"""Airlock desktop: the PySide6 GUI over the Qt-free engine."""
