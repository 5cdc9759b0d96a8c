"""The operators' console: its page (page.py) and tabs: chat, extraction, batch, monitoring, review."""
