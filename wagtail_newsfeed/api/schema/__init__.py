"""The API's OpenAPI document, for drf-spectacular: the shapes of blocks and shared objects
(``components``), the hooks that complete the generated document (``hooks``), and the views that
serve it (``views``).

The hooks stay importable from here, where they were first documented, for sites whose
``SPECTACULAR_SETTINGS`` name them (``wagtail_newsfeed.api.schema.newsfeed_endpoints_hook``).
"""

from .hooks import (
    newsfeed_endpoints_hook,
    parameter_bounds_hook,
    patch_bodies_hook,
    problem_responses_hook,
)

__all__ = [
    "newsfeed_endpoints_hook",
    "parameter_bounds_hook",
    "patch_bodies_hook",
    "problem_responses_hook",
]
