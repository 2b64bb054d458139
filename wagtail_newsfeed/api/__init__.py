"""The headless API (v1): Django REST Framework views over the newsroom's live, public content.

Include ``wagtail_newsfeed.api.urls`` in a site's URLconf; the contract is described in
``docs/api.md`` and served as OpenAPI at ``v1/schema/``.
"""
