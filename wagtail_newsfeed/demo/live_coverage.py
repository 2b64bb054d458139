"""The demo's live feed and its entries: data only, plus the rule for who signs each entry.

Kept apart from the articles so the live coverage can be read on its own. Times are offsets from
"now" (``started_hours_ago``, minutes ago), so the feed always looks live when loaded.
"""

# Prose reads better unwrapped; long lines are allowed in this data-only module.
# ruff: noqa: E501

from __future__ import annotations

LIVE_FEED = {
    "slug": "live-climate-summit-final-day",
    "title": "Live: Climate summit enters its final day",
    "summary": (
        "<ul><li>Negotiators are working through the night on a final text.</li>"
        "<li>A draft deal calls for tripling renewable energy capacity by 2030.</li>"
        "<li>Small island states say the draft is too weak on finance.</li></ul>"
    ),
    "started_hours_ago": 7,
    "image": "Delegates in the summit hall",
}

# (minutes ago, headline, text, key event, pinned)
LIVE_ENTRIES: list[tuple[int, str, str, bool, bool]] = [
    (
        400,
        "Good morning from the summit",
        "Welcome to our live coverage of the last scheduled day of talks. Delegates arrived early, and the main hall is already full.",
        False,
        False,
    ),
    (
        385,
        "",
        "The summit president says she wants a final text agreed by this evening, but few here expect the talks to finish on time.",
        False,
        False,
    ),
    (
        360,
        "Draft text published overnight",
        "A new draft was posted on the summit website at 3am. It calls for tripling renewable capacity by 2030 and doubling the rate of energy efficiency gains.",
        True,
        False,
    ),
    (
        340,
        "",
        "Campaigners outside the venue are calling the draft a step forward but say it lacks dates for phasing out fossil fuels.",
        False,
        False,
    ),
    (
        318,
        "Island states: finance is the test",
        "The alliance of small island states says it will not accept a deal without new money for adaptation.",
        False,
        False,
    ),
    (
        300,
        "",
        "Our reporter in the hall says the mood is tense but businesslike. Ministers are moving between huddles in the corridors.",
        False,
        False,
    ),
    (
        275,
        "Oil producers push back",
        "A group of oil-producing countries has asked for the fossil fuel language to be softened further.",
        True,
        False,
    ),
    (
        250,
        "",
        'The EU climate commissioner says the bloc is ready to stay "as long as it takes".',
        False,
        False,
    ),
    (
        232,
        "",
        "Coffee queues are now longer than the queue for the plenary hall, one delegate jokes.",
        False,
        False,
    ),
    (
        210,
        "Finance pledge from three countries",
        "Three countries announce a combined pledge for the loss and damage fund, the first new money of the day.",
        True,
        False,
    ),
    (
        190,
        "",
        "Observers say the pledge could unlock movement on other parts of the text.",
        False,
        False,
    ),
    (
        170,
        "",
        "Talks have moved into smaller groups. The plenary has been postponed by two hours.",
        False,
        False,
    ),
    (
        150,
        "What is in the draft?",
        "The text covers renewables, efficiency, methane, finance and a review of national plans. Read the key points at the top of this page.",
        False,
        False,
    ),
    (
        128,
        "",
        "Youth delegates stage a silent protest inside the venue, holding up the number of years left in the 1.5C carbon budget.",
        False,
        False,
    ),
    (
        105,
        "New draft expected within the hour",
        "The presidency says a revised text will be published shortly. Delegations have been asked to stay close to the plenary hall.",
        True,
        False,
    ),
    (
        90,
        "",
        "Several delegations tell us they are ready to accept the renewable target but want stronger finance wording.",
        False,
        False,
    ),
    (
        70,
        "",
        "The revised draft is now out. We are reading it and will bring you the main changes.",
        False,
        False,
    ),
    (
        52,
        "Revised draft strengthens finance language",
        "The new text asks developed countries to set out a path to doubling adaptation finance. The fossil fuel paragraph is unchanged.",
        True,
        False,
    ),
    (
        30,
        "",
        "The plenary is due to start in thirty minutes. Negotiators say a deal is close.",
        False,
        False,
    ),
    (
        12,
        "Plenary session begins",
        "The final plenary has opened. The summit president is asking for the draft to be adopted without objection. Follow the latest here.",
        True,
        True,
    ),
]


def live_entry_byline(position: int) -> list[str]:
    """The author slugs on the byline of ``LIVE_ENTRIES[position]``: the climate reporter
    files most updates, the diplomatic correspondent every third, and key events carry both, so
    the demo shows single and shared bylines in order."""
    _minutes, _headline, _text, key_event, _pinned = LIVE_ENTRIES[position]
    if key_event:
        return ["sofia-brandt", "mei-lin-harper"]
    return ["mei-lin-harper"] if position % 3 == 1 else ["sofia-brandt"]
