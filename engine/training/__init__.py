"""Training: configuration, the worker process, backends, and the run service."""
