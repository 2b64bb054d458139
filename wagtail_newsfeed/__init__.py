"""News articles, live news feeds and a headless news API for Wagtail."""

__version__ = "0.1.0"
