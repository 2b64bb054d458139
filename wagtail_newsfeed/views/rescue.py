"""The live console's rescue of unsent text: each press of Publish/Save carries an id under which
the browser keeps a copy of the form (``_composer_js.html``) until a page says that submission
was saved or shown again. A copy sent back with ``newsfeed_restore`` is shown in the form and
never saved (``views/console.py``); a submission that already created an entry never creates
another (``entry_rules.submitted_entry``)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

SUBMISSION_FIELD = "newsfeed_submission"
SUBMISSION_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
RESTORE_FIELD = "newsfeed_restore"
RESTORED = gettext_lazy(
    "Your text is restored below. It is not saved yet: check it, then publish or save it."
)
#: The same post again (its answer was lost on the way, or its rescue copy was restored).
ALREADY_POSTED = gettext_lazy(
    "Entry “%(entry)s” was already posted from this text: it was not posted again."
)


def submission_id(request: HttpRequest) -> str:
    """The submission a page answers (its form sent again, or ``?saved=`` after a redirect);
    anything but a well-formed id is dropped, never echoed."""
    data = request.POST if request.method == "POST" else request.GET
    value = data.get(SUBMISSION_FIELD if request.method == "POST" else "saved", "")
    return value if SUBMISSION_ID.fullmatch(value) else ""


def is_restore(request: HttpRequest) -> bool:
    return request.method == "POST" and bool(request.POST.get(RESTORE_FIELD))


def saved_url(request: HttpRequest, url: str, fragment: str = "") -> str:
    """``url`` after a save, naming the submission so the browser drops its rescue copy."""
    submission = submission_id(request)
    query = f"?{urlencode({'saved': submission})}" if submission else ""
    return f"{url}{query}{fragment}"
