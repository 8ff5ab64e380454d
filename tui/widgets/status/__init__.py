from .bar import StatusBar, status_text

__all__ = ["StatusBar", "status_text"]
