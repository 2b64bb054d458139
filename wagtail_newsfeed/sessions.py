"""A ``SESSION_ENGINE``: Django's database sessions, except that a session cookie holding a
character Django never puts in a session key is no session, and is never looked up.

Django's own database backend sends any cookie value to the database as the key; PostgreSQL
refuses a NUL in a query, so ``Cookie: sessionid=abc\\x00def`` would be a 500 on every page that
reads the session (the whole admin). Set ``SESSION_ENGINE = "wagtail_newsfeed.sessions"``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS

KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key: Any) -> bool:
        """Django's rule (at least 8 characters), and only the characters of the keys Django
        makes. Django asks this of every key it is given: one that fails is no session."""
        return isinstance(key, str) and len(key) >= 8 and KEY_CHARS.issuperset(key)
