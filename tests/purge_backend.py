"""A real frontend-cache backend for tests: it records the URLs it is asked to purge."""

from __future__ import annotations

from typing import Any

from wagtail.contrib.frontend_cache.backends import BaseBackend


class RecordingBackend(BaseBackend):
    """Configure with ``WAGTAILFRONTENDCACHE = {"test": {"BACKEND": "tests.purge_backend.
    RecordingBackend"}}``; purged URLs collect in ``RecordingBackend.purged``."""

    purged: list[str] = []

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)

    def purge(self, url: str) -> None:
        RecordingBackend.purged.append(url)

    @classmethod
    def reset(cls) -> None:
        cls.purged.clear()
