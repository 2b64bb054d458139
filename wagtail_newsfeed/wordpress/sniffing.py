"""What an export's bytes say about how to read it, beside what its XML declaration says.

Expat trusts the declaration: a site whose ``blog_charset`` said ISO-8859-1 while it stored
UTF-8 text (a common misconfiguration) writes ``encoding="ISO-8859-1"`` over UTF-8 bytes, and
every ``é`` would be read as ``Ã©`` without a word. These checks find such exports (with a UTF-8
byte order mark, or from the text itself), and compressed ones, and return the problem for the
reader to raise.
"""

from __future__ import annotations

import codecs
import re

#: Encodings WordPress writes into the declaration from its ``blog_charset`` setting, which
#: read any bytes without an error: UTF-8 text under one of them becomes mojibake silently.
SINGLE_BYTE_ENCODINGS = {"iso8859-1", "cp1252", "iso8859-15"}
#: Bytes of multi-byte UTF-8 characters (in a file whose every byte so far reads as UTF-8)
#: that settle it before the end of the file.
UTF8_EVIDENCE_BYTES = 64

_WIDE_ENCODING = re.compile(rb"""encoding\s*=\s*["']\s*(utf-16|utf-32|ucs)""", re.I)
_DECLARED_ENCODING = re.compile(
    rb"""^<\?xml[^>]{0,200}?\bencoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']"""
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_FIX = 'change the declaration to encoding="UTF-8"'


#: The first bytes of a compressed file or archive, what made it, and the command that opens it.
_PACKED = {
    b"\x1f\x8b": ("compressed with gzip", "gunzip"),
    b"PK\x03\x04": ("a ZIP archive", "unzip"),
    b"BZh": ("compressed with bzip2", "bunzip2"),
    b"\xfd7zXZ\x00": ("compressed with xz", "unxz"),
    b"\x28\xb5\x2f\xfd": ("compressed with zstd", "unzstd"),
}


def packed_problem(head: bytes) -> str:
    """Why a compressed export cannot be read ("" for one that is not): the importer reads the
    XML file itself (its progress bar and its caps count the file's bytes), so the operator
    unpacks it first, rather than meeting "line 1: not well-formed"."""
    for magic, (what, command) in _PACKED.items():
        if head.startswith(magic):
            return f"the export is {what}: run {command} on it first and import the XML file"
    return ""


def one_byte_ascii(head: bytes) -> bool:
    """Whether the export's encoding keeps one byte per ASCII character (control bytes can only
    be control characters then); UTF-16 and UTF-32 do not."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:4] in (
        b"\x00\x00\xfe\xff",
        b"<\x00\x00\x00",
    ):
        return False
    if head[:2] in (b"\x00<", b"<\x00"):
        return False
    return not _WIDE_ENCODING.search(head[:200])


def head_problem(head: bytes) -> str:
    """Why the export cannot be read as its first bytes stand ("" if it can): a UTF-8 byte order
    mark with another encoding declared is an XML error that expat lets pass (it follows the
    declaration)."""
    if not head.startswith(b"\xef\xbb\xbf"):
        return ""
    declared = _DECLARED_ENCODING.match(head[3:])
    if declared is None:
        return ""
    name = declared.group(1).decode("ascii").lower().replace("_", "-")
    if name in ("utf-8", "utf8"):
        return ""
    return (
        f"the export starts with a UTF-8 byte order mark but declares the encoding "
        f"{declared.group(1).decode('ascii')!r}; its text is most likely UTF-8: {_FIX} (or "
        "remove the mark if the text really is in that encoding) and run the import again"
    )


class Utf8Check:
    """Whether an export declared in a single-byte encoding holds UTF-8 text, told while it is
    read, chunk by chunk, in flat memory (each chunk is decoded, checked and dropped). Text
    really in such an encoding is almost never valid UTF-8 (an accented letter followed by
    ASCII is not), so a file whose non-ASCII bytes all form UTF-8 characters is UTF-8."""

    def __init__(self, head: bytes) -> None:
        declared = _DECLARED_ENCODING.match(head)
        self.declared = declared.group(1).decode("ascii") if declared else ""
        try:
            codec = codecs.lookup(self.declared).name if self.declared else ""
        except LookupError:
            codec = ""  # the parser reports it
        self.codec = codec if codec in SINGLE_BYTE_ENCODINGS else ""
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.extra = 0  # bytes of multi-byte characters beyond their first
        self.sample = ""

    def feed(self, chunk: bytes, final: bool = False) -> str:
        """The next chunk of the file (``final`` after the last): the problem, once known."""
        if not self.codec:
            return ""
        try:
            text = self.decoder.decode(chunk, final)
        except UnicodeDecodeError:
            self.codec = ""  # not UTF-8: the declared encoding it is
            return ""
        self.extra += len(chunk) - len(text)
        if not self.sample and (found := _NON_ASCII.search(text)):
            self.sample = found.group(0)
        if self.extra < UTF8_EVIDENCE_BYTES and not (final and self.extra):
            return ""
        return self.problem()

    def problem(self) -> str:
        """The problem, from whatever UTF-8 was seen so far ("" if none, or if some bytes were
        not UTF-8): what the reader says when the parser fails before ``feed`` has enough
        evidence, as on a byte the declared encoding has no character for (0x81 in cp1252)."""
        if not (self.codec and self.extra):
            return ""
        shown = self.sample.encode("utf-8").decode(self.codec, "replace")
        return (
            f"the export declares the encoding {self.declared!r} but its text is UTF-8 "
            "(WordPress wrote its blog_charset setting into the declaration); read as declared, "
            f"{self.sample!r} would become {shown!r}: {_FIX} and run the import again"
        )
