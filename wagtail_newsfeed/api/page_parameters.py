"""The query parameters of Wagtail's pages API (``wagtail_pages``), checked before Wagtail reads
them: Wagtail hands several to the database as they come (a date filter, a 30-digit id, a NUL
byte, an unknown search operator), a 500. The rules of each view say what is wrong with a value;
``check_parameters`` refuses them all at once, a 400 naming each parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import exceptions
from taggit.managers import TaggableManager
from wagtail.api.v2.utils import page_models_from_string, parse_boolean, parse_fields_parameter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page, Site

from ..converters import parse_count, parse_id

#: The longest value of any parameter: past any real page path, search or field list.
MAX_VALUE_LENGTH = 2048
#: How deep ``fields=`` may nest (``lead_image(title)`` is 1); Wagtail recurses once per level.
MAX_FIELDS_DEPTH = 8
MAX_PORT = 65535

#: A parameter's rule: the message saying what is wrong with a value, or ``None``.
Rule = Callable[[str], "str | None"]


def check_parameters(params: QueryDict, view: PagesAPIViewSet) -> None:
    """400 naming every query parameter the view would read whose value is not one it takes,
    or that the listing does not know (Wagtail refuses those too, unnamed)."""
    rules = dict(VIEW_RULES.get(view.action, SHARED_RULES))
    known: set[str] | None = None
    model = filtered_model(params.get("type"), view.model)
    fields = filter_fields(view, model)
    rules.update({name: partial(field_filter_error, field) for name, field in fields.items()})
    rules["format"] = partial(format_error, [renderer.format for renderer in view.get_renderers()])
    if view.action == "listing_view":
        known = set(view.get_available_fields(model, db_fields_only=True))
        known |= view.known_query_parameters
    errors: dict[str, list[str]] = {}
    for name, values in params.lists():
        message = parameter_error(name, values, rules.get(name))
        if message is None and known is not None and name not in known:
            message = _("Not an operation of this API nor a field of these pages.")
        if message:
            errors[name] = [message]
    if errors:
        raise exceptions.ValidationError(errors)


def parameter_error(name: str, values: list[str], rule: Rule | None) -> str | None:
    """The first thing wrong with a parameter: its name, or one of its values (Wagtail reads the
    last one, and its ``FieldsFilter`` every one)."""
    if message := value_error(name):
        return message
    for value in values:
        if message := value_error(value) or (rule(value) if rule else None):
            return message
    return None


def value_error(value: str) -> str | None:
    """What no parameter takes: a NUL byte (PostgreSQL refuses it in text), or a huge value."""
    if "\x00" in value:
        return _("Must not contain null characters.")
    if len(value) > MAX_VALUE_LENGTH:
        return _("Must be at most %(maximum)d characters.") % {"maximum": MAX_VALUE_LENGTH}
    return None


def count_error(value: str) -> str | None:
    if parse_count(value) is None:
        return _("Must be a whole number of at most 18 digits.")
    return None


def id_error(value: str) -> str | None:
    if parse_id(value) is None:
        return _("Must be an id: a positive whole number of at most 18 digits.")
    return None


def page_id_or_root_error(value: str) -> str | None:
    if value != "root" and parse_id(value) is None:
        return _("Must be an id (a positive whole number of at most 18 digits) or 'root'.")
    return None


def format_error(formats: list[str], value: str) -> str | None:
    """``?format=`` names one of the view's renderers (DRF answered another with a 404), or is
    empty (DRF reads that as none)."""
    if value and value not in formats:
        return _("Must be one of: %(formats)s.") % {"formats": ", ".join(formats)}
    return None


def search_operator_error(value: str) -> str | None:
    if value and value.lower() not in ("and", "or"):
        return _("Must be 'and' or 'or'.")
    return None


def type_error(value: str) -> str | None:
    if value and page_types(value) is None:
        return _(
            "Must name page types as app_label.ModelName, separated by commas; one is written "
            "otherwise or names no page type."
        )
    return None


def fields_error(value: str) -> str | None:
    """What Wagtail's parser says of ``fields=``, nested at most ``MAX_FIELDS_DEPTH`` deep."""
    depth = deepest = 0
    for char in value:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    if deepest > MAX_FIELDS_DEPTH:
        return _("Must not nest fields more than %(depth)d deep.") % {"depth": MAX_FIELDS_DEPTH}
    try:
        parse_fields_parameter(value)
    except ValueError as error:
        return str(error)
    return None


def site_error(value: str) -> str | None:
    """Wagtail reads ``hostname:port`` and looks the port up as given (30 digits: a 500); an
    unknown site is a 500 in Wagtail 7.4 (``Site.DoesNotExist``), so it is named here first."""
    hostname, colon, port = value.partition(":")
    if colon and not parse_count(port, MAX_PORT):
        return _("The port after ':' must be a number from 1 to 65535.")
    query = {"hostname": hostname, **({"port": int(port)} if colon else {})}
    found = Site.objects.filter(**query)[:2].count()
    if found == 0:
        return _("No site has this hostname (and port).")
    if found > 1:
        return _("Several sites have this hostname: add the port, as hostname:port.")
    return None


#: What every view reads (the detail's and ``find``'s object comes from the same queryset).
SHARED_RULES: dict[str, Rule] = {"type": type_error, "fields": fields_error, "site": site_error}
#: What each view reads besides, by DRF action; a listing's field filters are added per model.
#: The detail and find views run the listing's filters too (``get_object`` filters the
#: queryset through every filter backend), so they check what the listing checks.
LISTING_RULES: dict[str, Rule] = {
    **SHARED_RULES,
    "offset": count_error,
    "limit": count_error,
    "child_of": page_id_or_root_error,
    "descendant_of": page_id_or_root_error,
    "translation_of": page_id_or_root_error,
    "ancestor_of": id_error,
    "search_operator": search_operator_error,
}
VIEW_RULES: dict[str, dict[str, Rule]] = {
    "listing_view": LISTING_RULES,
    "detail_view": LISTING_RULES,
    "find_view": {**LISTING_RULES, "id": id_error},
}


def page_types(value: str) -> tuple[type[Page], ...] | None:
    """The page models ``type=`` names, as Wagtail reads them, else ``None``."""
    try:
        return page_models_from_string(value)
    except (LookupError, ValueError):
        return None


def filtered_model(type_value: str | None, default: type[Page]) -> type[Page]:
    """The model whose fields a listing filters on: Wagtail's choice (one type, or the base)."""
    types = page_types(type_value) if type_value else None
    return types[0] if types and len(types) == 1 else default


def filter_fields(view: PagesAPIViewSet, model: type[Page]) -> dict[str, Any]:
    """The model fields Wagtail's ``FieldsFilter`` filters on, by parameter name."""
    names = set(view.get_available_fields(model, db_fields_only=True)) - {"locale"}
    return {name: model._meta.get_field(name) for name in names}


def field_filter_error(field: Any, value: str) -> str | None:
    """Whether ``value`` is a value of ``field`` (or, for a relation, an id of its target)
    that the database can compare: Wagtail converts booleans and integers only."""
    if isinstance(field, TaggableManager):
        return None  # tag names
    if isinstance(field, models.BooleanField):
        try:
            parse_boolean(value)
        except ValueError:
            return _("Must be true, false, 1 or 0.")
        return None
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.IntegerField) and (field.is_relation or target.primary_key):
        return id_error(value)
    return model_value_error(target, value)


def model_value_error(field: Any, value: str) -> str | None:
    """What Django's ``field`` says of ``value`` (a date that is none, a number out of range),
    or that it is longer than the column."""
    try:
        python_value = field.to_python(value)
        if isinstance(field, models.IntegerField):
            field.run_validators(python_value)  # the database's range
    except DjangoValidationError as error:
        return " ".join(error.messages)
    if field.choices and python_value not in {key for key, _label in field.flatchoices}:
        # Selects nothing, silently: name the values it can take.
        choices = ", ".join(str(key) for key, _label in field.flatchoices)
        return _("Must be one of: %(choices)s.") % {"choices": choices}
    max_length = getattr(field, "max_length", None)
    if max_length and len(value) > max_length:
        return _("Must be at most %(maximum)d characters.") % {"maximum": max_length}
    return None
