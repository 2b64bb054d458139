"""Which reader paths and API paths a change makes stale: the one answer that the CDN purge
(``purging``) and the webhook payload (``webhooks.events``) both give, so what a frontend is told
to revalidate is what the cache in front of the site drops.

Reader paths (a page with each variant its ``get_cached_paths`` names, an index's topic listings,
the RSS/Atom feeds, the sitemaps, a live page's fragments) belong to the Site that serves them:
feeds and sitemaps list one Site's articles. The API answers alike on every Site's hostname, so
its paths belong to no Site: a purge sends them to each Site's root URL, a payload gives them on
the change's Site. Parts the site has not mounted (the feeds, the API, the news sitemap) are
left out.

``paths`` holds the answer (``Stale``) and where each path is; ``listings`` what an article is
listed under; ``pages`` what a change of one article or live feed makes stale; ``cascades`` what
a change of a topic, author or source, or of a section above stories, makes stale on many pages.
"""
