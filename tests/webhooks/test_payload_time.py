"""The envelope's ``timestamp`` is in the API's one time format (UTC, microseconds, ``Z``)."""

from __future__ import annotations

import json
import re

from tests import factories
from wagtail_newsfeed.models import WebhookDelivery, WebhookEvent

UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def test_the_envelope_timestamp_is_in_the_api_s_time_format(receiver, make_endpoint, committed):
    make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED, WebhookEvent.TAXONOMY_CHANGED])
    topic = factories.make_topic()
    with committed():
        factories.make_article(factories.make_index(), topics=[topic])
    with committed():
        topic.save()
    for delivery in WebhookDelivery.objects.all():
        assert UTC_TIME.match(delivery.payload["timestamp"]), delivery.payload["timestamp"]
    sent = [json.loads(request.body) for request in receiver.wait_for(2)]
    assert len(sent) == 2
    assert all(UTC_TIME.match(body["timestamp"]) for body in sent)
