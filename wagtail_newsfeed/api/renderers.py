"""The API's one JSON renderer."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import JSONRenderer


class CompactJSONRenderer(JSONRenderer):
    """Compact JSON whatever the client's ``Accept: application/json; indent=N`` says: a public
    answer is shared by caches (the response cache, Varnish, a CDN), so one reader must not
    choose its shape (or its ETag) for everyone."""

    def get_indent(self, accepted_media_type: str, renderer_context: dict[str, Any]) -> None:
        return None
