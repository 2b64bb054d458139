"""gunicorn configuration for the test servers (gunicorn ignores names it does not know, so this
works with older gunicorns too)."""

READY = "newsfeed-test: worker ready"

# Recent gunicorns open a control socket at ~/.gunicorn/gunicorn.ctl by default: one path for
# every server, and a file outside the test's folders. The tests don't need it.
control_socket_disable = True


def post_worker_init(worker):
    # Called once the worker has loaded the Django application, just before it accepts
    # requests: the harness counts these lines to know that every worker is up, not only one.
    worker.log.info("%s (pid %s)", READY, worker.pid)
