"""Text that XML 1.0 can carry.

XML 1.0 cannot hold most C0 control characters, U+FFFE, U+FFFF or a lone UTF-16 surrogate, not
even as a character reference, so one of them in one stored value makes a whole RSS/Atom feed or
sitemap fail (Django's feed writer raises on control characters; a lone surrogate cannot even be
encoded as UTF-8). They arrive by paste (Word's line break is a vertical tab, ``\\x0b``), by import,
or through the ORM. Feeds, sitemaps and input cleaning all use ``xml_safe`` so they agree on what
is dropped.
"""

from __future__ import annotations

import re

# Everything outside XML 1.0's Char production:
# #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids, and nothing else changed.

    Removed: C0 controls other than tab, line feed and carriage return (``\\x00``-``\\x08``,
    ``\\x0b``, ``\\x0c``, ``\\x0e``-``\\x1f``), lone surrogates (U+D800-U+DFFF) and the
    non-characters U+FFFE and U+FFFF. Kept: all other text, including emoji, right-to-left
    scripts and C1 controls (XML 1.0 allows those). Dropping rather than replacing means a
    stray character never shows up to readers as a placeholder.
    """
    return _NOT_XML_CHAR.sub("", str(text))  # str(): lazy translations work too
