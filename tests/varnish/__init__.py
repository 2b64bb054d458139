"""Tests against a real Varnish running the shipped VCL (``example_site/deploy/varnish.vcl``) in
front of real gunicorn servers: what it caches and passes, failover, and purges that reach it.
Skipped when ``varnishd`` is not installed (``scripts/ensure-varnish`` installs it)."""
