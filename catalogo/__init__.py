"""Static site generator for Puglia's catalogue of good practices in local welfare."""

__version__ = "0.1.0"
