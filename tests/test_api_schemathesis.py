"""Schemathesis over every GET operation of the served schema, against a live server with seeded
content: schema-valid requests (positive) and schema-violating ones (negative), every built-in
check (status codes, content types, headers, response bodies against the schema, valid data
accepted, invalid data rejected, never a 5xx).

Opaque tokens are the one thing a schema cannot describe: a random ``cursor``, ``since`` or
``before`` is well-formed but names nothing, and the API rightly answers 400. In positive cases
those parameters are set to real values from the seeded feed (or dropped); negative cases keep
whatever schemathesis generated.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation import GenerationMode

from tests.test_api_schema import SCHEMA, seed_scenario

# Schemathesis sends `q` to the article list: the seeded articles are indexed (tests/indexing.py).
pytestmark = pytest.mark.indexed

#: Examples per operation and mode: enough to hit every parameter, bounded for CI (< 60 s).
MAX_EXAMPLES = 12


def _real_values(case, seeded: dict) -> None:
    """Replace generated opaque parameters of a positive case with ones that name something."""
    query = case.query or {}
    if "since" in query:
        query["since"] = seeded["start_cursor"]
    if "before" in query:
        query["before"] = seeded["entries"][1].pk  # a key event: valid with key_events too
    query.pop("cursor", None)  # page cursors only come from `next`/`previous` links
    query.pop("site", None)  # a hostname that is not a site is a 400 naming `site`
    if case.path_parameters and "id" in case.path_parameters:
        if "/feeds/" in case.operation.path:
            case.path_parameters["id"] = seeded["feed"].pk
        elif "/articles/" in case.operation.path:
            case.path_parameters["id"] = seeded["article"].pk
    if case.path_parameters and "entry_id" in case.path_parameters:
        case.path_parameters["entry_id"] = seeded["entries"][0].pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_get_operation_passes_every_check(live_server):
    seeded = seed_scenario()
    schema = schemathesis.openapi.from_url(f"{live_server.url}{SCHEMA}?format=json")
    load_all_checks()
    checks = CHECKS.get_all()
    operations = [
        result.ok() for result in schema.get_all_operations() if result.ok().method.upper() == "GET"
    ]
    assert len(operations) >= 13
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if mode.is_positive and _needs_signed_token(operation):
                continue  # a well-formed random preview token is a 400: only negative cases
            try:
                _fuzz(operation, mode, seeded, checks)
            except Exception as error:  # noqa: BLE001 - collected, then reported together
                failures.append(f"{operation.label} [{mode}]: {str(error)[:1500]}")
    assert not failures, "\n\n".join(failures)


def _needs_signed_token(operation) -> bool:
    parameters = operation.definition.raw.get("parameters", [])
    return any(p.get("required") and p["name"] == "token" for p in parameters)


def _fuzz(operation, mode: GenerationMode, seeded: dict, checks: list) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        if mode.is_positive:
            _real_values(case, seeded)
        case.call_and_validate(checks=checks, headers={"Connection": "close"})

    run()
