"""Moving a WordPress newsroom in: ``manage.py import_wordpress EXPORT.xml --index /news/``.

The export (WordPress eXtended RSS, WXR 1.0-1.2) is read twice as a stream (``wxr``): a survey
(``survey``) collects what every post needs to know about the others (authors, categories,
attachments, old URLs), then ``importer`` writes one post at a time, each in its own
transaction, through the same validator and live-entry write path as every other writer.
Nothing is fetched over the network; media come from a local copy of ``wp-content/uploads``.
"""
