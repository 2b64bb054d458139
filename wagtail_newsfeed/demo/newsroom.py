"""The demo newsroom's own names: its topics, authors and agencies, the pictures it draws, and
``p``, the paragraph block every body starts from.

Data only, no logic (``demo.articles`` and ``demo.live_coverage`` hold the stories), so what the
demo shows can be read and changed without reading the code that writes it. The drawing of the
pictures lives in ``demo.pictures``.
"""

from __future__ import annotations

from typing import Any


def p(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


TOPICS = [
    (
        "US China Relations",
        "us-china-relations",
        "Diplomacy, trade and security between Washington and Beijing.",
    ),
    (
        "International relations",
        "international-relations",
        "Summits, treaties and the work of diplomats.",
    ),
    ("Economy", "economy", "Markets, central banks, jobs and prices."),
    ("Climate", "climate", "Weather, energy and the climate crisis."),
    ("Science", "science", "Discoveries and the people behind them."),
]
#: Topic slug → its broader topic's slug (its stories are listed under both).
TOPIC_PARENTS = {"us-china-relations": "international-relations"}

AUTHORS = [
    ("Mei Lin Harper", "mei-lin-harper", "Diplomatic correspondent"),
    ("Daniel Okafor", "daniel-okafor", "Economics editor"),
    ("Sofia Brandt", "sofia-brandt", "Climate and science reporter"),
]

SOURCES = [
    ("Reuters", "reuters", "https://www.reuters.com/"),
    ("AP", "ap", "https://apnews.com/"),
    ("AFP", "afp", "https://www.afp.com/"),
]

# Lead and body images, drawn locally with Pillow: (title, top colour, bottom colour, motif).
IMAGES = [
    ("Anchorage harbour at dusk", (24, 44, 84), (214, 120, 72), "mountains"),
    ("Central bank building", (60, 64, 72), (170, 176, 186), "columns"),
    ("Container cranes at the port", (18, 70, 110), (120, 190, 220), "cranes"),
    ("River embankment under construction", (40, 90, 60), (150, 200, 160), "waves"),
    ("Hydrothermal vent chimney", (6, 16, 40), (30, 110, 140), "bubbles"),
    ("Sun over a dry field", (250, 170, 40), (200, 60, 30), "sun"),
    ("Negotiating table with flags", (90, 30, 40), (220, 200, 170), "flags"),
    ("Delegates in the summit hall", (20, 60, 50), (200, 220, 150), "bubbles"),
]
