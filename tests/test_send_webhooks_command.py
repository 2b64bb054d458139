"""``send_webhooks --loop``: a number of seconds it can sleep (finite, 0.1 to a day) or one line
saying so, and a clean stop on SIGINT/SIGTERM (a process manager's stop, Ctrl-C) with no
traceback."""

from __future__ import annotations

import os
import signal
import threading
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "0", "-1", "0.01", "86401"])
def test_a_loop_interval_it_cannot_sleep_is_refused(value):
    with pytest.raises(CommandError) as raised:
        call_command("send_webhooks", f"--loop={value}")
    assert str(raised.value) == (
        f"--loop must be a number of seconds from 0.1 to 86400, not {value!r}."
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_loop_stops_cleanly_on_a_signal(signum):
    before = signal.getsignal(signum)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signum))
    out = StringIO()
    started = time.monotonic()
    timer.start()
    try:
        call_command("send_webhooks", "--loop", "60", stdout=out)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 10
    assert out.getvalue().endswith("Stopped.\n")
    assert signal.getsignal(signum) is before
