"""The Documents page (page.py) and its parts: import, PII review of a document, privacy settings."""
