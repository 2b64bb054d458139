"""The demo's articles, in the StreamField's raw form: data only, no logic.

The largest part of the demo, so it has a module of its own. The loader (``demo.stories``) swaps
the slugs in ``source``, ``page`` and ``image`` values for database ids. An article's time is an
offset from "now" (``hours_ago``) unless it pins a date (``published``, ``updated``).
"""

# Prose reads better unwrapped; long lines are allowed in this data-only module.
# ruff: noqa: E501

from __future__ import annotations

from typing import Any

from .newsroom import p

ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "china-us-dialogue-must-pave-the-way-for-follow-up-contacts",
        "title": "China-US dialogue must pave the way for follow-up contacts",
        "standfirst": (
            "The first senior face-to-face talks since President Biden took office are more about "
            "reopening a channel than resetting ties, but they could set up the meetings that follow."
        ),
        "dateline": "ANCHORAGE",
        "published": (2021, 4, 20, 9, 30),
        "updated": (2021, 4, 20, 15, 10),
        "topics": ["us-china-relations"],
        "authors": ["mei-lin-harper"],
        "source": "reuters",
        "image": "Anchorage harbour at dusk",
        "caption": "Anchorage, Alaska, host city of the first high-level talks of the new administration.",
        "credit": "Demo image",
        "tags": ["china", "united states", "diplomacy"],
        "corrections": [
            (
                "update",
                (2021, 4, 20, 15, 10),
                "Adds comment from the State Department on the agenda.",
            ),
        ],
        "body": [
            {
                "type": "key_points",
                "value": {
                    "title": "Key points",
                    "points": [
                        "First in-person meeting of senior officials since the change of administration in Washington.",
                        "Both sides describe the talks as a way to restart dialogue, not to settle disputes.",
                        "Taiwan, Xinjiang, Hong Kong and the South China Sea are expected to come up.",
                    ],
                },
            },
            p(
                "Ties between the world's two largest economies touch almost every other relationship, "
                "and few expect them to improve quickly. Yet neither side can afford for confrontation "
                "to become the only thing the two governments do together."
            ),
            {
                "type": "source_credit",
                "value": {"source": "reuters", "note": "Additional reporting by Daniel Okafor"},
            },
            p(
                "Secretary of State Antony Blinken and National Security Adviser Jake Sullivan are meeting "
                "Yang Jiechi, the Communist Party's top foreign policy official, and Foreign Minister Wang Yi "
                "in Anchorage, Alaska. It is the first time senior officials from both countries have sat "
                "at the same table since the new US administration took office."
            ),
            {"type": "heading", "value": {"text": "Allies first", "level": "h2"}},
            p(
                "The timing was chosen with care. The meeting follows visits by Mr Blinken and Defence "
                "Secretary Lloyd Austin to Japan and South Korea, and a first summit of the Quad leaders "
                "of the United States, Japan, India and Australia. Washington wanted its partners on side "
                "before it spoke to Beijing."
            ),
            {
                "type": "quote",
                "value": {
                    "text": "We will be competitive when we should be, collaborative when we can be, and adversarial when we must be.",
                    "attribution": "Antony Blinken, US Secretary of State",
                },
            },
            p(
                "Beijing has said it wants the United States to lift restrictions it regards as "
                "unreasonable and to stop creating new obstacles. US officials, for their part, have said "
                "the talks will be difficult and that human rights and regional security will be raised."
            ),
            {
                "type": "pull_quote",
                "value": {
                    "text": "The format of the meeting may matter more than anything agreed in it.",
                    "attribution": "",
                },
            },
            {
                "type": "timeline",
                "value": {
                    "title": "How we got here",
                    "events": [
                        {
                            "when": "June 2020",
                            "title": "Talks in Hawaii",
                            "description": "The last senior meeting ends without results as relations sour.",
                        },
                        {
                            "when": "January 2021",
                            "title": "New administration",
                            "description": "The White House begins a review of its China policy.",
                        },
                        {
                            "when": "12 March 2021",
                            "title": "First Quad leaders' summit",
                            "description": "",
                        },
                        {
                            "when": "20 April 2021",
                            "title": "Anchorage talks",
                            "description": "Senior officials of both countries meet face to face.",
                        },
                    ],
                },
            },
            p(
                "Analysts say little of substance is likely to be agreed. The value of the meeting lies in "
                "letting each side hear the other's red lines first hand. If the two delegations leave "
                "with a date for the next round, that would count as progress."
            ),
            {
                "type": "fact_box",
                "value": {
                    "title": "Who is at the table",
                    "body": "<ul><li><b>United States:</b> Antony Blinken, Jake Sullivan</li><li><b>China:</b> Yang Jiechi, Wang Yi</li></ul>",
                },
            },
        ],
    },
    {
        "slug": "trade-envoys-agree-to-meet-again-in-geneva",
        "title": "Trade envoys agree to meet again in Geneva",
        "standfirst": "A second round of talks is pencilled in for next month, officials on both sides say.",
        "dateline": "GENEVA",
        "hours_ago": 3,
        "topics": ["international-relations", "us-china-relations"],
        "authors": ["mei-lin-harper"],
        "source": "afp",
        "image": "Negotiating table with flags",
        "caption": "Officials prepare the conference room ahead of the talks.",
        "credit": "Demo image",
        "tags": ["trade", "diplomacy"],
        "body": [
            p(
                "Negotiators will return to Geneva next month to continue talks on tariffs and export "
                "controls, according to officials briefed on the plans, who described the first round "
                "as frank but useful."
            ),
            {
                "type": "related_article",
                "value": {
                    "page": "china-us-dialogue-must-pave-the-way-for-follow-up-contacts",
                    "label": "Background",
                },
            },
            p(
                "No agenda has been published. Diplomats said both delegations wanted to keep "
                "expectations low and avoid a repeat of earlier rounds that ended in public recriminations."
            ),
            {"type": "source_credit", "value": {"source": "afp", "note": ""}},
        ],
    },
    {
        "slug": "central-bank-holds-rates-as-inflation-cools",
        "title": "Central bank holds rates steady as inflation cools",
        "standfirst": "Policymakers kept borrowing costs on hold for a third meeting and signalled cuts are not yet on the table.",
        "dateline": "LONDON",
        "hours_ago": 6,
        "topics": ["economy"],
        "authors": ["daniel-okafor"],
        "source": "ap",
        "image": "Central bank building",
        "caption": "The bank's rate-setting committee met on Thursday.",
        "credit": "Demo image",
        "tags": ["interest rates", "inflation"],
        "body": [
            p(
                "The central bank left its main interest rate unchanged on Thursday, saying price growth "
                "had eased faster than expected but remained above its target."
            ),
            {
                "type": "table",
                "value": {
                    "table_caption": "Inflation and the policy rate, last four quarters",
                    "first_row_is_table_header": True,
                    "first_col_is_header": True,
                    "data": [
                        ["Quarter", "Inflation", "Policy rate"],
                        ["Q1", "4.1%", "5.25%"],
                        ["Q2", "3.6%", "5.25%"],
                        ["Q3", "3.0%", "5.25%"],
                        ["Q4", "2.6%", "5.25%"],
                    ],
                },
            },
            {
                "type": "quote",
                "value": {
                    "text": "We need to see more evidence that inflation will stay low before we can loosen policy.",
                    "attribution": "The bank's governor, at a press conference",
                },
            },
            p(
                "Markets had priced in a hold. The currency was little changed after the announcement."
            ),
        ],
    },
    {
        "slug": "port-strike-enters-second-week",
        "title": "Port strike enters second week as talks stall",
        "standfirst": "Dock workers and terminal operators remain far apart on pay, and ships are queuing offshore.",
        "dateline": "ROTTERDAM",
        "hours_ago": 10,
        "topics": ["economy"],
        "authors": ["daniel-okafor"],
        "source": "reuters",
        "image": "Container cranes at the port",
        "caption": "Idle cranes at a container terminal.",
        "credit": "Demo image",
        "tags": ["strikes", "shipping"],
        "body": [
            {
                "type": "key_points",
                "value": {
                    "title": "At a glance",
                    "points": [
                        "Around 40 container ships are waiting to berth.",
                        "Unions want a pay rise in line with last year's inflation.",
                        "A mediator has been appointed by the government.",
                    ],
                },
            },
            p(
                "The strike, which began last Monday, has halted most container handling at the port. "
                "Retailers have warned of empty shelves if it lasts into next month."
            ),
            p("Talks are due to resume on Friday under the mediator's chairmanship."),
            {"type": "source_credit", "value": {"source": "reuters", "note": ""}},
        ],
    },
    {
        "slug": "city-approves-flood-defence-plan",
        "title": "City approves flood defence plan after wettest winter on record",
        "standfirst": "New embankments and a floodplain park are meant to protect 12,000 homes by 2030.",
        "dateline": "YORK",
        "hours_ago": 20,
        "topics": ["climate"],
        "authors": ["sofia-brandt"],
        "source": None,
        "image": "River embankment under construction",
        "caption": "Work on the first stretch of embankment began last year.",
        "credit": "Demo image",
        "tags": ["flooding", "infrastructure"],
        "body": [
            p(
                "Councillors voted on Tuesday to fund the city's largest flood defence scheme, after a "
                "winter in which the river burst its banks three times."
            ),
            {
                "type": "fact_box",
                "value": {
                    "title": "The plan in numbers",
                    "body": "<ul><li>4.2 km of new embankment</li><li>65 hectares of floodplain park</li><li>12,000 homes protected</li></ul>",
                },
            },
            {
                "type": "timeline",
                "value": {
                    "title": "Timetable",
                    "events": [
                        {"when": "Spring", "title": "Detailed design", "description": ""},
                        {
                            "when": "Next year",
                            "title": "Construction starts",
                            "description": "Work begins on the northern bank.",
                        },
                        {"when": "2030", "title": "Scheme complete", "description": ""},
                    ],
                },
            },
            {
                "type": "image",
                "value": {
                    "image": "Sun over a dry field",
                    "alt_text": "A cracked, dry field under a low sun",
                    "caption": "Summer droughts and winter floods: the council's report plans for both.",
                    "credit": "Demo image",
                },
            },
        ],
    },
    {
        "slug": "researchers-map-deep-sea-vents",
        "title": "Researchers map a new field of deep-sea vents",
        "standfirst": "A robot submarine found more than twenty chimneys on a ridge nobody had surveyed.",
        "dateline": "PONTA DELGADA",
        "hours_ago": 28,
        "topics": ["science"],
        "authors": ["sofia-brandt"],
        "source": "afp",
        "image": "Hydrothermal vent chimney",
        "caption": "Hot water rises from a vent chimney on the seabed.",
        "credit": "Demo image",
        "tags": ["oceans", "exploration"],
        "body": [
            p(
                "Scientists aboard a research ship have mapped a field of hydrothermal vents on an "
                "unexplored stretch of ocean ridge, three kilometres below the surface."
            ),
            {
                "type": "pull_quote",
                "value": {
                    "text": "Every dive showed us something we had never seen before.",
                    "attribution": "Expedition chief scientist",
                },
            },
            p(
                "Samples taken from the chimneys will be analysed for new species of microbes over the coming months."
            ),
        ],
    },
    {
        "slug": "heatwave-warnings-extended",
        "title": "Heatwave warnings extended across southern Europe",
        "standfirst": "Forecasters expect temperatures above 40C to last into next week in Spain, Italy and Greece.",
        "dateline": "MADRID",
        "hours_ago": 1,
        "breaking": True,
        "topics": ["climate"],
        "authors": ["sofia-brandt", "daniel-okafor"],
        "source": "reuters",
        "image": "Sun over a dry field",
        "caption": "Fields near Seville have had no rain for two months.",
        "credit": "Demo image",
        "tags": ["heatwave", "weather"],
        "related": ["city-approves-flood-defence-plan"],
        "body": [
            {
                "type": "key_points",
                "value": {
                    "title": "Key points",
                    "points": [
                        "Red warnings in force in eleven regions.",
                        "Outdoor work banned in the afternoon in parts of Greece.",
                        "Wildfire risk rated extreme on several islands.",
                    ],
                },
            },
            p(
                "National weather services extended their warnings on Sunday as a dome of high pressure "
                "settled over the Mediterranean. Hospitals have been told to prepare for a rise in "
                "heat-related admissions."
            ),
            {
                "type": "related_article",
                "value": {"page": "city-approves-flood-defence-plan", "label": ""},
            },
            {"type": "source_credit", "value": {"source": "reuters", "note": ""}},
        ],
    },
]
