"""What an import did: counts by kind and outcome, and warnings grouped by kind.

The report stays small however large the export: every warning is counted, but only the first
``EXAMPLES`` lines of each kind are kept for the summary (all of them can be streamed as they
happen with ``--verbosity 2``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

EXAMPLES = 10

#: Warning kinds, in the order the summary lists them, with what each means.
KINDS = {
    "failed": "posts that could not be imported (nothing of them was written)",
    "skipped": "items left out on purpose (trash, auto-drafts, pages, unknown post types)",
    "unreadable": "items the export holds in a shape the importer cannot read",
    "duplicate": "items with the id of an earlier item (merged exports), left out",
    "missing_file": "attachments whose file is not under --uploads",
    "unsafe_path": "attachment paths pointing outside --uploads",
    "bad_media": "files that are not a valid image or an accepted document",
    "unmatched_image": "images in content that match no imported attachment",
    "unknown_block": "Gutenberg blocks with no counterpart, kept as a paragraph",
    "html_block": "custom HTML reduced to what rich text allows",
    "unknown_shortcode": "shortcodes with no counterpart, removed (their text kept)",
    "removed_markup": "scripts, iframes, forms and media players that were left out",
    "embed_as_link": "embeds from providers Wagtail does not know, kept as links",
    "table_cut": "tables larger than TABLE_MAX_CELLS, cut short",
    "too_deep": "lists and formatting nested more than 40 elements deep, the rest kept as text",
    "bad_date": "dates that are unset or invalid",
    "canonical": "SEO canonical URLs that point elsewhere",
    "redirect": "old URLs that could not get a redirect",
    "entry": "liveblog entries left out, or edits of another post's entry imported on their own",
    "authors": "different WordPress logins with the same slug, kept as different authors",
    "authors_map": "logins of --authors-map that the export does not have",
    "tags": "tags beyond the number a post may hold (MAX_TAGS), left out",
    "restriction": "view restrictions set in Wagtail kept where WordPress asks for another or none",
    "elsewhere": "posts imported before to a page not under --index, which stays where it is",
    "note": "other notes",
}


class Report:
    """Counters and warnings of one import run; ``emit`` streams lines as they happen."""

    def __init__(self, emit: Callable[[str], None] | None = None) -> None:
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.warnings: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = defaultdict(list)
        self.emit = emit

    def count(self, what: str, outcome: str, n: int = 1) -> None:
        """``what`` (articles, images, ...) had ``outcome`` (created, updated, ...)."""
        if n:
            self.counts[what][outcome] += n

    def warn(self, kind: str, message: str) -> None:
        self.warnings[kind] += 1
        if len(self.examples[kind]) < EXAMPLES:
            self.examples[kind].append(message)
        if self.emit:
            self.emit(f"{kind}: {message}")

    @property
    def failed(self) -> int:
        return self.warnings["failed"]

    def summary(self) -> list[str]:
        lines = []
        for what in sorted(self.counts):
            outcomes = ", ".join(
                f"{n:,} {outcome}" for outcome, n in sorted(self.counts[what].items())
            )
            lines.append(f"{what}: {outcomes}")
        if self.warnings:
            lines.append("")
            lines.append("Warnings by kind:")
        ordered = [k for k in KINDS if k in self.warnings] + sorted(set(self.warnings) - set(KINDS))
        for kind in ordered:
            lines.append(f"  {kind} ({self.warnings[kind]:,}): {KINDS.get(kind, '')}".rstrip(": "))
            lines.extend(f"    - {example}" for example in self.examples[kind])
            more = self.warnings[kind] - len(self.examples[kind])
            if more > 0:
                lines.append(f"    ... and {more:,} more (--verbosity 2 lists them all)")
        return lines
