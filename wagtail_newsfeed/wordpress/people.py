"""Bylines: WordPress users (and Co-Authors Plus guest authors) become newsroom ``Author``s.

An author is found by slug, so a re-run, or a newsroom that already has the author, reuses the
existing row. ``--authors-map`` (a CSV file) merges several WordPress accounts into one author,
points an account at an existing author, or links it to a Wagtail user, who then owns the
imported pages and is recorded as the writer of the imported live entries::

    login,author,username
    jdoe,jane-doe,jane
    jdoe2,jane-doe,
    intern,,

An empty ``author`` keeps the default slug (from the login); ``-`` leaves the account off bylines.
Slugs are compared ignoring case (``Jane-Doe`` is the author ``jane-doe``), and a login the export
does not have (a typo) is reported.
Different logins stay different authors even when their slugs would be the same (``j.doe`` and
``jdoe``): the report names them, and only the map merges them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from ..models import Author
from . import values
from .records import Comment, Item
from .report import Report
from .survey import Catalog

MAX_MAP_BYTES = 10 << 20
MAX_ROWS = 100_000
COLUMNS = {"login", "author", "username"}
_SLUG_MAX = 255
_SLUG = re.compile(rf"[-\w]{{1,{_SLUG_MAX}}}")


class AuthorsMapError(ValueError):
    """The authors map cannot be used; the message names the row."""


@dataclass
class Mapping:
    author: str  # an author slug, "" for the default, "-" for none
    user: Any = None


def read_authors_map(path: Path) -> dict[str, Mapping]:
    """The map, checked whole before anything is imported."""
    if not path.is_file():
        raise AuthorsMapError(f"{path} is not a file")
    if path.stat().st_size > MAX_MAP_BYTES:
        raise AuthorsMapError(f"{path} is larger than {MAX_MAP_BYTES >> 20} MB")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AuthorsMapError(f"{path} is not UTF-8 text ({error.reason})") from None
    # The csv module's own line handling (newline=""): str.splitlines would also split a row
    # at a U+2028 or a form feed inside a field.
    users = get_user_model()
    found: dict[str, Mapping] = {}
    rows: dict[str, int] = {}
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        columns = _columns(path, next(reader, []))
        for number, fields in enumerate(reader, start=2):
            if number > MAX_ROWS:
                raise AuthorsMapError(f"{path}: more than {MAX_ROWS:,} rows")
            if any(field.strip() for field in fields[len(columns) :]):
                raise AuthorsMapError(
                    f"{path}, row {number} has {len(fields)} fields, but the first row names "
                    f"{len(columns)} columns"
                )
            row = dict(zip(columns, (field.strip() for field in fields), strict=False))
            login, author, username = (
                row.get("login", ""),
                # Slugs are compared ignoring case: "Jane-Doe" is the author jane-doe.
                row.get("author", "").lower(),
                row.get("username", ""),
            )
            if not login:
                raise AuthorsMapError(f"{path}, row {number}: the login is empty")
            if (earlier := rows.setdefault(login[:255], number)) != number:
                raise AuthorsMapError(
                    f"{path}, row {number}: the login {values.shown(login)} is also on row "
                    f"{earlier}; one row per login"
                )
            if any(ord(char) < 32 or char == "\x7f" for char in login + author + username):
                # PostgreSQL refuses a NUL in a query: the user look-up would be a traceback.
                raise AuthorsMapError(f"{path}, row {number}: it holds a control character")
            if len(author) > _SLUG_MAX:
                raise AuthorsMapError(
                    f"{path}, row {number}: the author slug {values.shown(author)} is too long "
                    f"({len(author):,} characters, at most {_SLUG_MAX})"
                )
            if author not in ("", "-") and not _SLUG.fullmatch(author):
                raise AuthorsMapError(f"{path}, row {number}: {values.shown(author)} is not a slug")
            user = None
            if username:
                user = users._default_manager.filter(
                    **{users.USERNAME_FIELD: username[:150]}
                ).first()
                if user is None:
                    raise AuthorsMapError(
                        f"{path}, row {number}: there is no user {values.shown(username)}"
                    )
            found[login[:255]] = Mapping(author, user)
    except csv.Error as error:
        raise AuthorsMapError(f"{path}: not a CSV file ({error})") from None
    return found


def _columns(path: Path, header: list[str]) -> list[str]:
    """The map's column names, from its first row: each named once, none blank."""
    columns = [name.strip().lower() for name in header]
    for number, name in enumerate(columns, start=1):
        if not name:
            raise AuthorsMapError(f"{path}: column {number} of the first row has no name")
        if columns.index(name) != number - 1:
            raise AuthorsMapError(f"{path}: the column {values.shown(name)} is named twice")
    if "login" not in columns or set(columns) - COLUMNS:
        raise AuthorsMapError(
            f"{path}: the first row must name the columns login, author, username "
            f"(found: {', '.join(sorted(columns)) or 'nothing'})"
        )
    return columns


class People:
    """Authors for the logins an export uses, created once (or planned, in a dry run)."""

    def __init__(
        self, catalog: Catalog, mapping: dict[str, Mapping], report: Report, *, dry_run: bool
    ):
        self.catalog, self.mapping, self.report, self.dry_run = catalog, mapping, report, dry_run
        self.by_login: dict[str, Author | None] = {}

    def prepare(self) -> None:
        catalog = self.catalog
        known = catalog.authors.keys() | catalog.used_logins | catalog.guest_authors.keys()
        for login in sorted(self.mapping.keys() - known):
            self.report.warn(
                "authors_map",
                f"the authors map names the login {values.shown(login)}, which the export does "
                "not have (a typo?)",
            )
        names = {login: self._name(login) for login in self.catalog.used_logins}
        names.update(
            {
                login: name
                for login, name in self.catalog.guest_authors.items()
                if login not in names
            }
        )
        slugs = self._slugs(names)
        planned: set[str] = set()
        for login in sorted(names):
            mapped = self.mapping.get(login)
            if mapped is not None and mapped.author == "-":
                self.by_login[login] = None
                continue
            slug = (mapped.author if mapped else "") or slugs[login]
            author = Author.objects.filter(slug__iexact=slug).first()
            if author is not None:
                self.report.count("authors", "matched")
            elif self.dry_run:
                if slug not in planned:
                    self.report.count("authors", "to create")
                planned.add(slug)
            else:
                author = Author.objects.create(name=names[login][:255], slug=slug)
                self.report.count("authors", "created")
            self.by_login[login] = author

    def _slugs(self, names: dict[str, str]) -> dict[str, str]:
        """The author slug of each login the map does not settle: its own slug, except where
        different logins slugify alike (``j.doe`` and ``jdoe``): the login equal to the slug (or
        the first) keeps it, the others get a suffix from their login, the same on every run.
        Merging different accounts is for ``--authors-map`` to do, never a silent side effect."""
        groups: dict[str, list[str]] = {}
        for login in sorted(names):
            mapped = self.mapping.get(login)
            if mapped is None or not mapped.author:
                digest = hashlib.sha1(login.encode()).hexdigest()
                slug = values.slug(login) or f"wp-author-{digest[:10]}"
                groups.setdefault(slug, []).append(login)
        slugs = {}
        for slug, logins in groups.items():
            keeper = slug if slug in logins else logins[0]
            slugs[keeper] = slug
            for login in logins:
                if login != keeper:
                    digest = hashlib.sha1(login.encode()).hexdigest()
                    slugs[login] = f"{slug[:240]}-{digest[:6]}"
                    self.report.warn(
                        "authors",
                        f"logins {values.shown(keeper)} and {values.shown(login)} both make the"
                        f" author slug {slug}: {values.shown(login)} became {slugs[login]}"
                        " (--authors-map can merge them)",
                    )
        return slugs

    def _name(self, login: str) -> str:
        author = self.catalog.authors.get(login)
        return values.plain_text(author.name, 255) if author else login

    def bylines(self, item: Item) -> list[Author]:
        terms = item.terms_of("author")
        logins = [term.slug.removeprefix("cap-") for term in terms] if terms else [item.creator]
        found: list[Author] = []
        for login in logins:
            author = self.by_login.get(login)
            if author is not None and author not in found:
                found.append(author)
        return found

    def owner(self, item: Item) -> Any:
        terms = item.terms_of("author")
        login = terms[0].slug.removeprefix("cap-") if terms else item.creator
        mapped = self.mapping.get(login)
        return mapped.user if mapped else None

    def entry_people(self, comment: Comment) -> tuple[list[Author], Any]:
        """A liveblog entry's authors (its writer and co-contributors) and Wagtail user."""
        logins = []
        for user_id in [
            comment.user_id,
            *values.serialized_ids(comment.meta.get("liveblog_contributors")),
        ]:
            login = self.catalog.logins_by_id.get(user_id or 0)
            if login and login not in logins:
                logins.append(login)
        authors = [self.by_login[login] for login in logins if self.by_login.get(login)]
        if values.is_true(comment.meta.get("liveblog_hide_authors")):
            authors = []
        mapped = self.mapping.get(logins[0]) if logins else None
        return authors, (mapped.user if mapped else None)
