"""asynclint: find async misuse (blocking calls on the event loop) in Python web services."""

__version__ = "0.1.0"
