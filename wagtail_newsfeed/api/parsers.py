"""Request bodies of API writes: JSON only, bounded in size and nesting, and cleaned of the
characters XML cannot carry before any field sees them.

A body larger than Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 problem: Django refuses it in
``request.body`` (which DRF 3.16+ reads for JSON; ``exceptions`` turns that into the problem), and
the parser itself stops reading past the limit where DRF streams the body instead. JSON nested too
deeply for the parser is a 400, not a ``RecursionError``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings
from rest_framework.utils import json

from .. import validation
from .exceptions import PayloadTooLarge

#: The deepest JSON a write may send: an entry is at most a dozen levels deep.
MAX_JSON_DEPTH = 64


class WriteJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge(_("The request body is larger than %(n)d bytes.") % {"n": limit})
        encoding = (parser_context or {}).get("encoding") or django_settings.DEFAULT_CHARSET
        try:
            text = raw.decode(encoding)
            constant = json.strict_constant if api_settings.STRICT_JSON else None
            data = json.loads(text, parse_constant=constant)
            return validation.clean_strings(data, MAX_JSON_DEPTH)
        except RecursionError:
            raise exceptions.ParseError(
                _("The JSON nests deeper than %(n)d levels.") % {"n": MAX_JSON_DEPTH}
            ) from None
        except (ValueError, LookupError) as error:  # also UnicodeDecodeError, unknown charset
            raise exceptions.ParseError(_("JSON parse error: %(e)s") % {"e": error}) from None
