"""Text that XML 1.0 can carry and HTML parses without error.

XML 1.0 cannot hold most C0 control characters, U+FFFE, U+FFFF or a lone UTF-16 surrogate, not
even as a character reference, so one of them in one stored value makes a whole RSS/Atom feed or
sitemap fail (Django's feed writer raises on control characters; a lone surrogate cannot even be
encoded as UTF-8). They arrive by paste (Word's line break is a vertical tab, ``\\x0b``), by import,
or through the ORM. HTML has a stricter list: C1 controls and Unicode non-characters are parse
errors in every page they reach. Feeds, sitemaps and input cleaning all use ``xml_safe`` so they
agree on what is dropped (and on the separators that become a space).
"""

from __future__ import annotations

import re

from .names import balanced_direction, visible

#: Word's line break (vertical tab), the form feed, the information separators and NEL (which
#: Unicode counts as line breaks) separate words: a space keeps them apart.
_SEPARATORS = re.compile("[\x0b\x0c\x1c-\x1e\x85]")
# Everything outside XML 1.0's Char production:
# #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
# and what HTML's parser reports as an error: DEL and the C1 controls (U+007F-U+009F), the
# non-characters U+FDD0-U+FDEF and the last two code points of every plane.
_NOT_XML_CHAR = re.compile(
    "[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x7f-\x9f\ufdd0-\ufdef]"
    + "|["
    + "".join(f"\\U{plane:04x}fffe-\\U{plane:04x}ffff" for plane in range(1, 17))
    + "]"
)


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids or HTML's parser rejects (separators
    become spaces), and nothing else changed.

    Replaced by a space: the vertical tab (``\\x0b``, Word's line break), the form feed
    (``\\x0c``), the information separators (``\\x1c``-``\\x1e``) and NEL (U+0085), which
    separate words ("Polls\\x0bclose" is "Polls close", not "Pollsclose").
    Removed: the other C0 controls except tab, line feed and carriage return (``\\x00``-``\\x08``,
    ``\\x0e``-``\\x1b``, ``\\x1f``), DEL and the other C1 controls (U+007F-U+009F), lone surrogates
    (U+D800-U+DFFF) and the non-characters (U+FDD0-U+FDEF, U+FFFE and U+FFFF in every plane).
    Kept: all other text, including emoji and right-to-left scripts. Dropping rather than
    replacing means a stray character never shows up to readers as a placeholder.
    """
    # str(): lazy translations work too
    return _NOT_XML_CHAR.sub("", _SEPARATORS.sub(" ", str(text)))


#: Tabs and every line break Unicode knows (``str.splitlines``'s: NEL, the line and paragraph
#: separators, the information separators), in text that is one line.
_LINE_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def one_line(text: str) -> str:
    """``xml_safe`` text for one line (a headline, a tag): line breaks and tabs become a space
    (before ``xml_safe`` drops NEL, which would join two words), and the ends are trimmed. Text a
    reader would see nothing of (zero-width spaces and joiners alone: ``names.visible``, the
    rule for bodies) is empty. Direction controls are balanced (``names.balanced_direction``).
    The same at every door, the console's form and the API."""
    line = balanced_direction(xml_safe(_LINE_BREAKS.sub(" ", str(text))).strip())
    return line if visible(line) else ""
