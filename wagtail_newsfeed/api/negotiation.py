"""Content negotiation for an API with one format: JSON.

DRF's default differs from HTTP in two ways a client can trip on. A ``?format=`` naming any
other format answers 404, as if the resource did not exist (a frontend would report a page as
deleted); here no query parameter changes the format. And DRF reads no q-values, so
``Accept: application/json;q=0``, which refuses JSON (RFC 9110, section 12.4.2), gets JSON;
here a media range's quality counts, taken from the most specific range that matches, and a
request that refuses every format the API has is a 406.
"""

from __future__ import annotations

import math
from typing import Any

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.utils.mediatypes import _MediaType


def quality(media_range: _MediaType) -> float:
    """The range's ``q`` between 0 and 1; 1 where it has none or one that is no number."""
    try:
        value = float(media_range.params.get("q", "1"))
    except ValueError:
        return 1.0
    return 1.0 if math.isnan(value) else min(max(value, 0.0), 1.0)


class JSONNegotiation(DefaultContentNegotiation):
    """Picks the renderer the client prefers by q-value (``Accept`` only, never ``?format=``);
    none it accepts is a 406 (``NotAcceptable``)."""

    def select_renderer(
        self, request: Any, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        ranges = [_MediaType(token) for token in self.get_accept_list(request)]
        best: tuple[float, Any, str] | None = None
        for renderer in renderers:
            offered = _MediaType(renderer.media_type)
            matching = [media_range for media_range in ranges if offered.match(media_range)]
            if not matching:
                continue
            # The most specific range decides (text/html;q=0 beside */* refuses HTML only).
            decisive = max(matching, key=lambda media_range: media_range.precedence)
            q = quality(decisive)
            if q > 0 and (best is None or q > best[0]):
                wildcard = decisive.precedence < offered.precedence
                best = (q, renderer, renderer.media_type if wildcard else decisive.orig)
        if not ranges:  # no Accept at all accepts anything: the first renderer
            return renderers[0], renderers[0].media_type
        if best is None:
            raise exceptions.NotAcceptable(available_renderers=renderers)
        return best[1], best[2]
