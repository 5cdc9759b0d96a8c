"""Tabs of the operators' console page: chat, extraction, batch, monitoring, review."""
