"""Small builders for test content. Each returns saved, published objects unless told otherwise."""

from __future__ import annotations

import io
import itertools
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, GroupPagePermission, Page, PageViewRestriction, Site

from tests.indexing import builds_test_data
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import (
    ArticleAuthor,
    Author,
    LiveEntry,
    LiveFeedPage,
    NewsArticlePage,
    NewsIndexPage,
    Source,
    Topic,
)

_seq = itertools.count(1)


def root_page() -> Page:
    return Site.objects.get(is_default_site=True).root_page


@builds_test_data
def make_image(title: str = "Test image", width: int = 640, height: int = 360) -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (30, 90, 160)).save(buffer, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"test-{next(_seq)}.png"))


@builds_test_data
def make_topic(name: str | None = None, **kwargs: Any) -> Topic:
    n = next(_seq)
    name = name or f"Topic {n}"
    return Topic.objects.create(name=name, slug=kwargs.pop("slug", f"topic-{n}"), **kwargs)


@builds_test_data
def make_author(name: str | None = None, **kwargs: Any) -> Author:
    n = next(_seq)
    return Author.objects.create(
        name=name or f"Author {n}", slug=kwargs.pop("slug", f"author-{n}"), **kwargs
    )


@builds_test_data
def make_source(name: str | None = None, **kwargs: Any) -> Source:
    n = next(_seq)
    return Source.objects.create(
        name=name or f"Agency {n}", slug=kwargs.pop("slug", f"agency-{n}"), **kwargs
    )


@builds_test_data
def make_index(parent: Page | None = None, title: str = "News", **kwargs: Any) -> NewsIndexPage:
    n = next(_seq)
    index = NewsIndexPage(title=title, slug=kwargs.pop("slug", f"news-{n}"), live=False, **kwargs)
    (parent or root_page()).add_child(instance=index)
    index.save_revision().publish()
    return index


def paragraph(text: str) -> list[dict[str, Any]]:
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


@builds_test_data
def make_article(
    index: NewsIndexPage,
    title: str | None = None,
    *,
    publish: bool = True,
    topics: list[Topic] = (),
    authors: list[Author] = (),
    published_at: datetime | None = None,
    body: list[dict[str, Any]] | None = None,
    **kwargs: Any,
) -> NewsArticlePage:
    n = next(_seq)
    article = NewsArticlePage(
        title=title or f"Article {n}",
        slug=kwargs.pop("slug", f"article-{n}"),
        standfirst=kwargs.pop("standfirst", f"Standfirst of article {n}."),
        body=body if body is not None else paragraph(f"Body text of article {n}."),
        published_at=published_at,
        live=False,
        **kwargs,
    )
    index.add_child(instance=article)
    if topics:
        article.topics.set(topics)
    for order, author in enumerate(authors):
        article.article_authors.add(ArticleAuthor(author=author, sort_order=order))
    revision = article.save_revision()
    if publish:
        revision.publish()
        article.refresh_from_db()
    return article


@builds_test_data
def make_feed(parent: Page, title: str | None = None, *, publish: bool = True, **kwargs: Any):
    n = next(_seq)
    feed = LiveFeedPage(
        title=title or f"Live feed {n}",
        slug=kwargs.pop("slug", f"live-{n}"),
        coverage_start=kwargs.pop("coverage_start", timezone.now()),
        live=False,
        **kwargs,
    )
    parent.add_child(instance=feed)
    revision = feed.save_revision()
    if publish:
        revision.publish()
        feed.refresh_from_db()
    return feed


@builds_test_data
def make_superuser(username: str = "admin"):
    return get_user_model().objects.create_superuser(username, f"{username}@example.com", "pw")


@builds_test_data
def make_user(username: str | None = None, *, groups: list[Group] = ()):
    user = get_user_model().objects.create_user(
        username or f"user{next(_seq)}", password="pw", is_staff=False
    )
    user.groups.set(groups)
    return user


@builds_test_data
def feed_group(feed: Page, *, publish: bool, name: str | None = None) -> Group:
    """A group with admin access that may edit (and maybe publish) pages under ``feed``."""
    group = Group.objects.create(name=name or f"Group {next(_seq)}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for permission_type in ["add", "change"] + (["publish"] if publish else []):
        GroupPagePermission.objects.create(group=group, page=feed, permission_type=permission_type)
    return group


@builds_test_data
def make_entry(feed: LiveFeedPage, user=None, text: str | None = None, **kwargs: Any) -> LiveEntry:
    user = user or _system_user()
    n = next(_seq)
    return entry_rules.create_entry(
        feed,
        user,
        body=kwargs.pop("body", paragraph(text or f"Entry text {n}.")),
        **kwargs,
    )


def _system_user():
    User = get_user_model()
    user = User.objects.filter(username="entry-bot").first()
    return user or make_superuser("entry-bot")


@builds_test_data
def make_hidden_articles(index: NewsIndexPage) -> list[NewsArticlePage]:
    """One article of each kind readers must not see: draft, private, expired, unpublished."""
    draft = make_article(index, "Draft", publish=False)
    private = make_article(index, "Private")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    expired = make_article(index, "Expired")
    # Still marked live: publish_scheduled has not run since it expired.
    Page.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    unpublished = make_article(index, "Unpublished")
    unpublished.unpublish()
    return [draft, private, expired, unpublished]


#: The title of a document no writer in the permission tests may choose.
SECRET_DOCUMENT = "SECRET merger memo"


@builds_test_data
def make_collection(name: str) -> Collection:
    return Collection.get_first_root_node().add_child(name=name)


@builds_test_data
def make_secret_document() -> Document:
    """A document in a collection of its own, "Secret", which no test writer may choose from."""
    return Document.objects.create(
        title=SECRET_DOCUMENT,
        file=ContentFile(b"%PDF", name="memo.pdf"),
        collection=make_collection("Secret"),
    )
