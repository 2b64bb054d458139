"""Tests with real server processes: gunicorn serving the example site on a fresh database.

They prove what in-process tests cannot: that a change made in one process is seen by the next
request to every other process (with Django's default, per-process, local-memory cache), and that
SQLite queues concurrent writers from several worker processes instead of failing. Select them
with ``pytest -m processes``; they run by default.
"""
