"""A real delivery, signed by our code, verifies with the npm ``standardwebhooks`` library too:
receivers written in Node use it, and it decodes secrets and joins ``id.timestamp.body`` on its own,
so agreeing with the Python library alone would not prove the signature is interoperable."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

from tests import factories, tools
from wagtail_newsfeed.models import WebhookEvent

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")

pytestmark = [
    tools.needs(NODE is not None, "node is not installed: the npm library cannot run"),
    tools.needs(
        (REPO_ROOT / "node_modules" / "standardwebhooks").is_dir(),
        "node_modules/standardwebhooks is missing: run `npm ci` at the repository root",
    ),
]

# Reads {secret, headers, body (base64)} on stdin, prints {ok, payload | error}.
VERIFY_JS = """
const { Webhook } = require("standardwebhooks");
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { secret, headers, body } = JSON.parse(input);
  try {
    const payload = new Webhook(secret).verify(Buffer.from(body, "base64"), headers);
    console.log(JSON.stringify({ ok: true, payload }));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, error: `${error.name}: ${error.message}` }));
  }
});
"""


def verify_in_node(secret: str, headers: dict[str, str], body: bytes) -> dict:
    """What a Node receiver does with the npm reference library; cwd at the repo root so
    ``require`` finds ``node_modules``."""
    stdin = json.dumps(
        {"secret": secret, "headers": headers, "body": base64.b64encode(body).decode()}
    )
    done = subprocess.run(
        [NODE, "--input-type=commonjs", "-e", VERIFY_JS],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=30,
        check=True,
    )
    return json.loads(done.stdout)


def signed_delivery(receiver, make_endpoint, committed):
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    assert endpoint.secret.startswith("whsec_")
    with committed():
        article = factories.make_article(factories.make_index(), "Budget passes")
    (request,) = receiver.wait_for(1)
    return endpoint, article, request


def test_a_real_delivery_verifies_with_the_npm_standardwebhooks_library(
    receiver, make_endpoint, committed
):
    endpoint, article, request = signed_delivery(receiver, make_endpoint, committed)

    result = verify_in_node(endpoint.secret, request.headers, request.body)

    assert result["ok"] is True, result
    assert result["payload"]["type"] == "article.published"
    assert result["payload"]["data"]["id"] == article.pk


def test_a_tampered_body_fails_verification_with_the_npm_library(
    receiver, make_endpoint, committed
):
    endpoint, _article, request = signed_delivery(receiver, make_endpoint, committed)
    tampered = request.body.replace(b'"article.published"', b'"article.unpublished"')
    assert tampered != request.body

    result = verify_in_node(endpoint.secret, request.headers, tampered)

    assert result == {
        "ok": False,
        "error": "WebhookVerificationError: No matching signature found",
    }


def test_another_endpoints_secret_fails_verification_with_the_npm_library(
    receiver, make_endpoint, committed
):
    _endpoint, _article, request = signed_delivery(receiver, make_endpoint, committed)
    other = make_endpoint("http://127.0.0.1:9/", name="Other")

    result = verify_in_node(other.secret, request.headers, request.body)

    assert result == {
        "ok": False,
        "error": "WebhookVerificationError: No matching signature found",
    }


def test_while_a_secret_is_replaced_both_verify_with_the_npm_library(
    receiver, make_endpoint, committed
):
    """Two space-separated signatures (``WEBHOOK_SECRET_OVERLAP_HOURS``): a Node receiver with
    either secret accepts the delivery, one with neither refuses it."""
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    old = endpoint.secret
    endpoint.rotate_secret(keep_old_for=timedelta(hours=24))
    endpoint.save()
    with committed():
        factories.make_article(factories.make_index(), "Budget passes")
    (request,) = receiver.wait_for(1)

    assert len(request.headers["webhook-signature"].split()) == 2
    for secret in (endpoint.secret, old):
        assert verify_in_node(secret, request.headers, request.body)["ok"] is True
    other = make_endpoint("http://127.0.0.1:9/", name="Other")
    assert verify_in_node(other.secret, request.headers, request.body)["ok"] is False
