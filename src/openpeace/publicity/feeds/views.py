"""The Atom feeds of every public act (`django.contrib.syndication`), and their index page.

One feed per language (every act, in that language where the act has a text in it) and one per
state (every act that concerns it, `concerns.states_concerned`). Feeds are the same for every
reader and change at most when the log grows, so shared caches may keep them for a minute and
serve a stale copy while they fetch the next one, or when the site fails. Query parameters are
ignored: a feed has no options, and its archives are pages of their own.

Every address in a feed is made from the site's canonical URL (`OPENPEACE_SITE_URL`), never
from the host a request happened to use: an entry's id must be permanent (RFC 4287 §4.2.6),
and a site reached under two names must not give one act two ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from openpeace.log import selectors as log_selectors
from openpeace.publicity.feeds import selectors
from openpeace.publicity.feeds.acts import Act, Said, describe, site_language
from openpeace.publicity.feeds.atom import ATOM, HTML, ActsAtomFeed, Item, Link
from openpeace.publicity.feeds.register import Register
from openpeace.publicity.outbox import site_url
from openpeace.web.http import method_not_allowed, require_safe
from openpeace.world.models import State

CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=120, stale-if-error=300"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Document:
    """One feed document: what it is, where it sits, and the acts it lists."""

    language: str
    title: Said
    subtitle: Said
    html: str  # the page this feed is the feed of (absolute)
    links: list[Link]
    id: str
    items: list[Item]
    publisher: str
    home: str
    archive: bool


def site_language_name() -> str:
    site = site_language()
    return next((str(name) for tag, name in settings.LANGUAGES if tag == site), site)


def _item(act: Act) -> Item:
    return Item(
        act=act,
        id=site_url(reverse("log:entry", args=[act.index])),
        proof=site_url(reverse("log:entry-proof", args=[act.index])),
        body=site_url(reverse("log:entry-body", args=[act.index])),
        pages=tuple(
            Link("related", site_url(page.path), HTML, page.title,
                 hreflang=page.language, language=site_language())
            for page in act.pages
        ),
        scheme=site_url(reverse("log:browser")),
    )


def _archive_links(window: selectors.Window, name: str, *args: object) -> list[Link]:
    """RFC 5005 §4: the subscription document points to the latest archive; each archive to
    the subscription document and its neighbours (the newest points to none: the subscription
    document follows it)."""

    def page(number: int) -> str:
        return site_url(reverse(f"publicity:feeds:{name}-archive", args=[*args, number]))

    links = []
    if window.page is None:
        if window.archives:
            links.append(Link("prev-archive", page(window.archives), ATOM))
        return links
    links.append(Link("current", site_url(reverse(f"publicity:feeds:{name}",
                                                  args=list(args))), ATOM))
    if window.page > 1:
        links.append(Link("prev-archive", page(window.page - 1), ATOM))
    if window.page < window.archives:
        links.append(Link("next-archive", page(window.page + 1), ATOM))
    return links


def _window_or_404(read: Any, *args: Any) -> selectors.Window:
    try:
        window: selectors.Window = read(*args)
    except selectors.NoSuchPage as missing:
        raise Http404(f"No such archive page: {missing}.") from None
    return window


class ActsFeed(Feed[Item, Document]):
    """The frame every feed shares; `get_object` returns a `Document`."""

    feed_type = ActsAtomFeed
    http_methods = ("GET", "HEAD")  # for web.http.RefuseMethodsNotTaken, as `require_safe` says

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in self.http_methods:
            return method_not_allowed(request, self.http_methods)
        response: HttpResponse = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = CACHE_CONTROL
        return response

    def get_feed(self, obj: Document, request: HttpRequest) -> Any:
        feed = super().get_feed(obj, request)
        feed.feed["language"] = obj.language
        return feed

    def feed_extra_kwargs(self, obj: Document) -> dict[str, Any]:
        checkpoint = log_selectors.checkpoint_latest()
        return {"links": obj.links, "archive": obj.archive,
                "title_language": obj.title.language, "generator": obj.home,
                "log_updated": checkpoint.signed_at if checkpoint else EPOCH}

    def item_extra_kwargs(self, item: Item) -> dict[str, Any]:
        return {
            "item": item, "site": site_language(),
            "link_title": _("Log entry %(index)s") % {"index": item.act.index},
            "proof_title": _("Proof of inclusion of log entry %(index)s (C2SP tlog-proof)")
            % {"index": item.act.index},
            "body_title": _("Log entry %(index)s exactly as logged") % {"index": item.act.index},
        }

    def title(self, obj: Document) -> str:
        return obj.title.text

    def subtitle(self, obj: Document) -> str:
        return obj.subtitle.text

    def description(self, obj: Document) -> str:
        return obj.subtitle.text

    def link(self, obj: Document) -> str:
        return obj.html

    def feed_guid(self, obj: Document) -> str:
        return obj.id

    def author_name(self, obj: Document) -> str:
        return obj.publisher

    def author_link(self, obj: Document) -> str:
        return obj.home

    def items(self, obj: Document) -> list[Item]:
        return obj.items

    def item_title(self, item: Item) -> str:
        return item.act.title.text

    def item_description(self, item: Item) -> str:
        return item.act.summary.text

    def item_link(self, item: Item) -> str:
        return item.id

    def item_guid(self, item: Item) -> str:
        return item.id

    def item_pubdate(self, item: Item) -> Any:
        return item.act.recorded_at

    def item_updateddate(self, item: Item) -> Any:
        return item.act.recorded_at

    def item_author_name(self, item: Item) -> str:
        return item.act.author


def _document(*, language: str, title: Said, subtitle: Said, html: str,
              name: str, args: list[object], window: selectors.Window, acts: list[Act],
              register: Register) -> Document:
    current = site_url(reverse(f"publicity:feeds:{name}", args=args))
    here = current if window.page is None else site_url(
        reverse(f"publicity:feeds:{name}-archive", args=[*args, window.page]))
    links = [Link("self", here, ATOM), Link("alternate", site_url(html), HTML),
             *_archive_links(window, name, *args)]
    return Document(
        language=language, title=title, subtitle=subtitle, html=site_url(html),
        links=links, id=current, items=[_item(act) for act in acts],
        publisher=register.publisher, home=site_url(reverse("home")),
        archive=window.page is not None,
    )


def _subtitle(language: selectors.FeedLanguage) -> str:
    """What a language feed holds: in the site's own language every act is described in it."""
    said = _("Each act links its entry in the transparency log and its proof of inclusion.")
    if language.tag.lower() == site_language().lower():
        return said
    return " ".join([said, _("Titles and summaries are in %(language)s where the act has a "
                             "published text in it, otherwise in %(site)s.")
                     % {"language": language.name, "site": site_language_name()}])


class LanguageFeed(ActsFeed):
    """Every public act, in one language where the act has a text in it."""

    def get_object(self, request: HttpRequest, tag: str, page: str | None = None) -> Document:
        language = selectors.feed_language(tag)
        if language is None:
            tags = ", ".join(lang.tag for lang in selectors.feed_languages())
            raise Http404(f"No feed in the language {tag!r}: there are feeds in {tags} "
                          f"(the site's language and those of the published texts).")
        window = _window_or_404(selectors.window_all, None if page is None else int(page))
        register = Register()
        acts = [describe(entry, register, language=language.tag) for entry in window.entries]
        site = site_language()
        return _document(
            language=language.tag,
            title=Said(_("Every public act, in %(language)s") % {"language": language.name},
                       site),
            subtitle=Said(_subtitle(language), site),
            html=reverse("log:browser"), name="language", args=[language.tag],
            window=window, acts=acts, register=register,
        )


class StateFeed(ActsFeed):
    """Every public act that concerns one state."""

    def get_object(self, request: HttpRequest, key: str, page: int | None = None) -> Document:
        register = Register()
        state = register.states.get(key)
        if state is None:
            raise Http404(f"No state with key {key!r}: every state's feed is listed at "
                          f"{reverse('publicity:feeds:index')}.")
        window = _window_or_404(selectors.window_state, key, register, page)
        acts = [describe(entry, register, state=key) for entry in window.entries]
        site = site_language()
        return _document(
            language=site,
            title=Said(_("Every public act concerning %(state)s") % {"state": state.name}, site),
            subtitle=Said(_("Its offer's notes and replies, the armistices and sessions it is "
                            "party to, the treaties it signed, the occupations of its land and "
                            "by its army, the decisions and demands of the nationalities it "
                            "rules. Each act links its entry in the transparency log and its "
                            "proof of inclusion."), site),
            html=reverse("world:state-detail", args=[key]), name="state", args=[key],
            window=window, acts=acts, register=register,
        )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Every feed, with its address."""
    languages = [
        {"language": language,
         "url": site_url(reverse("publicity:feeds:language", args=[language.tag]))}
        for language in selectors.feed_languages()
    ]
    states = [
        {"state": state,
         "url": site_url(reverse("publicity:feeds:state", args=[state.key]))}
        for state in State.objects.order_by("name")
    ]
    return render(request, "publicity/feeds/index.html", {
        "languages": languages, "states": states, "page_size": selectors.PAGE_SIZE,
        "site_feed": site_url(reverse("publicity:feeds:language", args=[site_language()])),
    })
