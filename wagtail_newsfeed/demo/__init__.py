"""The demo newsroom ``manage.py load_newsfeed_demo`` loads: topics, authors, agencies, articles
with images, and a live feed.

What the demo shows is data (``newsroom``, ``articles``, ``live_coverage``), kept apart from the
code that writes it: its users (``accounts``), its pictures (``pictures``), its address
(``site_address``), its place in the page tree (``pages``), its stories (``stories``), and one
load in one transaction (``loading``). The command is a thin shell over ``loading.load_demo``.
"""
