"""The StreamField block library shared by news articles and live entries.

Every block renders with its own template (``wagtail_newsfeed/blocks/<name>.html``) so sites can
override one block's markup the Django way, and owns its API shape through
``get_api_representation`` so the API never reaches into block internals.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

from . import serialization, tables
from .converters import parse_id

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "superscript", "hr"]


def _template(name: str) -> str:
    return f"wagtail_newsfeed/blocks/{name}.html"


def _id_or_none(value: Any) -> Any:
    if value is None or isinstance(value, Model) or parse_id(value) is not None:
        return value
    return None


class BoundedIdChooserMixin:
    """A chooser whose ids the database could not hold, or that are not ids at all, reads as
    "nothing chosen" instead of failing its query: neither a crafted form post nor a stored
    value can turn into a 500. (Wagtail's choosers pass any value to the database.)"""

    def to_python(self, value: Any) -> Any:
        return super().to_python(_id_or_none(value))

    def bulk_to_python(self, values: Any) -> list[Any]:
        return super().bulk_to_python([_id_or_none(value) for value in values])

    def value_from_form(self, value: Any) -> Any:
        return super().value_from_form(_id_or_none(value))


# Same behaviour and form as Wagtail's choosers; migrations keep naming Wagtail's classes.


class NewsImageChooserBlock(BoundedIdChooserMixin, ImageChooserBlock):
    canonical_module_path = "wagtail.images.blocks.ImageChooserBlock"


class NewsDocumentChooserBlock(BoundedIdChooserMixin, DocumentChooserBlock):
    canonical_module_path = "wagtail.documents.blocks.DocumentChooserBlock"


class NewsPageChooserBlock(BoundedIdChooserMixin, blocks.PageChooserBlock):
    canonical_module_path = "wagtail.blocks.PageChooserBlock"


class ReaderRichText(RichText):
    """A paragraph's value: its ``source`` as stored (what the editor opens and the validator
    reads), shown to readers cleaned by the block's whitelist (``serialization.rich_text_html``)
    wherever a template renders it, ``|richtext`` included."""

    def __init__(self, source: str | None, features: Any = None) -> None:
        super().__init__(source)
        self.features = features

    def __html__(self) -> str:
        from django.template.loader import render_to_string

        html = serialization.rich_text_html(self.source, features=self.features)
        return render_to_string("wagtailcore/shared/richtext.html", {"html": html})


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    def _reader_value(self, value: Any) -> ReaderRichText:
        return ReaderRichText(value.source if isinstance(value, RichText) else value, self.features)

    def to_python(self, value: Any) -> ReaderRichText:
        return self._reader_value(super().to_python(value))

    def normalize(self, value: Any) -> ReaderRichText:
        return self._reader_value(super().normalize(value))

    def value_from_form(self, value: Any) -> ReaderRichText:
        return self._reader_value(super().value_from_form(value))

    def get_api_representation(self, value, context=None):
        """HTML cleaned by the block's whitelist, internal page and document links resolved."""
        source = value.source if value else ""
        return serialization.rich_text_html(source, context, self.features)

    def get_form_state(self, value: Any) -> Any:
        """Rich text stored in a shape Draftail cannot open (written before the validator
        existed) opens as its plain text, rather than failing the whole edit form."""
        from .rich_text import plain_paragraphs  # Wagtail's admin converters: not at load time

        try:
            return super().get_form_state(value)
        except Exception:  # noqa: BLE001 - Draftail's converter asserts on such shapes
            source = value.source if value else ""
            return super().get_form_state(RichText(plain_paragraphs(source)))

    class Meta:
        icon = "pilcrow"
        template = _template("paragraph")
        label = _("Paragraph")


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=255)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section heading (h2)")), ("h3", _("Sub-heading (h3)"))],
        default="h2",
    )

    def get_searchable_content(self, value: Any) -> list[str]:
        """The heading's words only: Wagtail's ``ChoiceBlock`` adds its label ("Sub-heading
        (h3)"), which would show up in summaries, feeds, JSON-LD and search."""
        return self.child_blocks["text"].get_searchable_content(value.get("text"))

    class Meta:
        icon = "title"
        template = _template("heading")
        label = _("Heading")


class ImageBlock(blocks.StructBlock):
    """A figure. ``decorative`` (as in Wagtail's own ``ImageBlock``) marks an image that adds
    nothing to the text: ``alt=""``, so screen readers skip it rather than read its title
    (often a file name). Alt text stays optional: bodies written before ``decorative`` existed,
    and API writers that do not send it, fall back to the image's own alt text (its
    description, else its title), as Wagtail's renditions do."""

    image = NewsImageChooserBlock()
    decorative = blocks.BooleanBlock(
        required=False,
        default=False,
        label=_("Image is decorative"),
        help_text=_("It adds nothing to the text: screen readers skip it and the alt text."),
    )
    alt_text = blocks.CharBlock(
        required=False,
        max_length=255,
        help_text=_(
            "Describe the image for readers who cannot see it. Defaults to the image's "
            "description, else its title."
        ),
    )
    caption = blocks.CharBlock(required=False, max_length=500)
    credit = blocks.CharBlock(required=False, max_length=255, help_text=_("e.g. Reuters/Jane Doe"))

    def get_api_representation(self, value, context=None):
        image = value.get("image")
        decorative = bool(value.get("decorative"))
        alt = "" if decorative else image_alt(value)
        return {
            "image": serialization.image_json(image, context, alt=alt),
            "decorative": decorative,
            "alt": alt,
            "caption": value.get("caption") or "",
            "credit": value.get("credit") or "",
        }

    class Meta:
        icon = "image"
        template = _template("image")
        label = _("Image")


def image_alt(value: Any) -> str:
    """An image block's alt text: empty for a decorative image, else its own, else the image's
    (``default_alt_text``: the image's description, else its title)."""
    if value.get("decorative"):
        return ""
    image = value.get("image")
    return value.get("alt_text") or (image.default_alt_text if image else "") or ""


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "openquote"
        template = _template("quote")
        label = _("Quote")


class PullQuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(help_text=_("A short line from the story, set large."))
    attribution = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "openquote"
        template = _template("pull_quote")
        label = _("Pull quote")


class NewsEmbedBlock(blocks.StructBlock):
    embed = EmbedBlock(help_text=_("A link to a video, post or map (YouTube, Vimeo, X, ...)."))
    caption = blocks.CharBlock(required=False, max_length=500)

    def get_context(self, value, parent_context=None):
        from django.utils.translation import gettext

        from .embeds import embed_html

        context = super().get_context(value, parent_context=parent_context)
        # Every iframe named (an accessible name for screen readers): see ``embeds``.
        context["embed_html"] = embed_html(
            value.get("embed"), value.get("caption") or "", gettext("Embedded content")
        )
        return context

    def get_api_representation(self, value, context=None):
        from .embeds import embed_html
        from .links import web_url

        embed = value.get("embed")
        url = web_url(embed.url) if embed else None  # null unless http(s), whatever is stored
        return {
            "url": serialization.uri(url) if url else None,
            # Named by the embed's title or caption; the JSON is one for every language, so
            # no translated fallback.
            "html": embed_html(embed, value.get("caption") or ""),
            "caption": value.get("caption") or "",
        }

    class Meta:
        icon = "media"
        template = _template("embed")
        label = _("Embed")


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, max_length=255, default="Key points")
    points = blocks.ListBlock(blocks.CharBlock(max_length=500), min_num=1)

    class Meta:
        icon = "list-ul"
        template = _template("key_points")
        label = _("Key points")


class FactBoxBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=255)
    body = ParagraphBlock()

    class Meta:
        icon = "info-circle"
        template = _template("fact_box")
        label = _("Fact box")


class NewsTableBlock(TableBlock):
    def to_python(self, value: Any) -> Any:
        """A header column stored as ``"col"`` (Wagtail's spelling for old tables, or an API
        write before it was read as ``"column"``) is one, on the page, in the API and in the
        editor's select."""
        return tables.with_header_choice(super().to_python(value))

    def get_api_representation(self, value, context=None):
        """The table as readers see it: a cell Wagtail's template leaves out (``hidden``, as the
        widget marks each cell a merge covers) is ``null``, so no text an editor hid reaches
        headless clients and every cell keeps its column; ``spans`` are the merges drawn."""
        value = value or {}
        hidden = tables.hidden_cells(value)
        return {
            "caption": value.get("table_caption") or "",
            "first_row_is_header": bool(value.get("first_row_is_table_header")),
            "first_col_is_header": bool(value.get("first_col_is_header")),
            "rows": [
                [
                    None if (index, col) in hidden else cell if cell is not None else ""
                    for col, cell in enumerate(row)
                ]
                for index, row in enumerate(value.get("data") or [])
            ],
            "spans": tables.shown_spans(value),
        }

    def get_searchable_content(self, value: Any) -> list[str]:
        """The text of the cells readers see: Wagtail's own adds hidden cells' text to search,
        summaries and JSON-LD."""
        hidden = tables.hidden_cells(value) if value else set()
        return [
            cell
            for index, row in enumerate((value or {}).get("data") or [])
            for col, cell in enumerate(row)
            if cell and (index, col) not in hidden
        ]

    class Meta:
        icon = "table"
        template = _template("table")
        label = _("Table")


class RelatedArticleBlock(blocks.StructBlock):
    page = NewsPageChooserBlock(page_type="wagtail_newsfeed.NewsArticlePage")
    label = blocks.CharBlock(
        required=False, max_length=255, help_text=_("Defaults to 'Read more'.")
    )

    def get_api_representation(self, value, context=None):
        """The linked article only while readers may see it; otherwise ``page`` is null."""
        page = value.get("page")
        return {
            "page": serialization.page_link_json(page.specific if page else None, context),
            "label": value.get("label") or "",
        }

    class Meta:
        icon = "link"
        template = _template("related_article")
        label = _("Related article")


class DocumentBlock(blocks.StructBlock):
    document = NewsDocumentChooserBlock()
    title = blocks.CharBlock(required=False, max_length=255, help_text=_("Defaults to its title."))

    def get_api_representation(self, value, context=None):
        """The document only while readers may see it (not in a private collection);
        otherwise ``document`` is null and its own title is not shown."""
        document = serialization.public_document(value.get("document"), context)
        return {
            "document": serialization.document_json(document, context),
            "title": value.get("title")
            or (serialization.document_title(document) if document else ""),
        }

    def get_context(self, value, parent_context=None):
        """``document``: the chosen document, or None while it is in a private collection;
        ``title``: the block's title, else the document's (``serialization.document_title``)."""
        context = super().get_context(value, parent_context)
        document = serialization.public_document(value.get("document"), context)
        context["document"] = document
        context["title"] = value.get("title") or (
            serialization.document_title(document) if document else ""
        )
        return context

    class Meta:
        icon = "doc-full"
        template = _template("document")
        label = _("Document")


class SourceChooserBlock(BoundedIdChooserMixin, blocks.ChooserBlock):
    """Chooses a news agency from the Newsroom's sources (a plain select; sources are few)."""

    @cached_property
    def target_model(self):
        from .models import Source

        return Source

    @cached_property
    def widget(self):
        return forms.Select()

    def get_form_state(self, value):
        """What the select's script takes: the list ``Select.format_value`` makes, as for
        Wagtail's own field blocks (a bare id failed to render, and the block was lost on save)."""
        return self.widget.format_value(value.pk if value else None)

    def get_api_representation(self, value, context=None):
        return serialization.source_json(value)

    class Meta:
        icon = "site"


class SourceCreditBlock(blocks.StructBlock):
    source = SourceChooserBlock()
    note = blocks.CharBlock(
        required=False, max_length=255, help_text=_("e.g. 'Additional reporting by ...'")
    )

    class Meta:
        icon = "site"
        template = _template("source_credit")
        label = _("Source credit")


class TimelineEventBlock(blocks.StructBlock):
    when = blocks.CharBlock(max_length=100, help_text=_("e.g. '20 April 2021' or '09:30'"))
    title = blocks.CharBlock(max_length=255)
    description = blocks.TextBlock(required=False)


class TimelineBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, max_length=255)
    events = blocks.ListBlock(TimelineEventBlock(), min_num=1)

    class Meta:
        icon = "history"
        template = _template("timeline")
        label = _("Timeline")


class NewsStreamBlock(blocks.StreamBlock):
    """The one block library; articles and live entries both use it."""

    paragraph = ParagraphBlock()
    heading = HeadingBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    pull_quote = PullQuoteBlock()
    embed = NewsEmbedBlock()
    key_points = KeyPointsBlock()
    fact_box = FactBoxBlock()
    table = NewsTableBlock()
    related_article = RelatedArticleBlock()
    document = DocumentBlock()
    source_credit = SourceCreditBlock()
    timeline = TimelineBlock()

    def get_searchable_content(self, value: Any) -> list[str]:
        """Block by block, so one damaged stored value cannot stop an entry being saved."""
        from .rendering import body_text_parts

        return body_text_parts(value)

    def get_form_state(self, value: Any) -> Any:
        """A stored body without the blocks Wagtail cannot read (a null value where an object
        is expected): one of them would fail the whole edit form, in every editor (the page
        editor too). The console also names them (``stored_bodies.repair_body``); saving drops
        them. A body posted back with errors is shown as posted."""
        from .rendering import body_children

        if isinstance(value, blocks.StreamValue) and value.is_lazy:
            unreadable = {index for index, child in body_children(value) if child is None}
            if unreadable:
                kept = [raw for i, raw in enumerate(value.raw_data) if i not in unreadable]
                value = blocks.StreamValue(self, kept, is_lazy=True)
        return super().get_form_state(value)

    class Meta:
        block_counts = {}
