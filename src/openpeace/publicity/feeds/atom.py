"""The Atom 1.0 document (RFC 4287) of a feed of acts, with RFC 5005 archive links.

Django's `Atom1Feed` writes the frame; this writer adds what an act needs:

- `xml:lang` on the feed, and on every entry, title, summary or link whose text is in another
  language than the element around it (RFC 4287 §2, XML 1.0 §2.12);
- per entry: `id`, the absolute URI of its log entry (`https://host/log/entries/N`), which never
  changes; `link rel="alternate"` to that page; `link rel="related"` to its inclusion proof
  (`N.tlog-proof`, C2SP tlog-proof: no media type is registered for it, so it is typed
  `application/octet-stream`, as it is served, and titled as a proof), to the entry's exact
  bytes (`N.json`, `application/json`) and to the act's own pages (`text/html`, with the
  `hreflang` of the text they show); `published` and `updated`, the time the act was recorded;
  its author; its kind as a category whose scheme is the log's address;
- RFC 5005: `fh:archive` on archive documents, and `current`, `prev-archive`, `next-archive`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.feedgenerator import Atom1Feed, rfc3339_date

from openpeace.publicity.feeds.acts import Act

FEED_HISTORY = "http://purl.org/syndication/history/1.0"  # RFC 5005
ATOM = "application/atom+xml"
HTML = "text/html"


@dataclass(frozen=True)
class Link:
    rel: str
    href: str
    type: str | None = None
    title: str | None = None
    hreflang: str | None = None
    language: str | None = None  # the language of `title`, when it differs from around it

    def attributes(self) -> dict[str, str]:
        attributes = {"rel": self.rel, "href": self.href}
        for name in ("type", "title", "hreflang"):
            value = getattr(self, name)
            if value:
                attributes[name] = value
        if self.language:
            attributes["xml:lang"] = self.language
        return attributes


@dataclass(frozen=True)
class Item:
    """One act as the writer needs it: its description and its absolute URLs."""

    act: Act
    id: str  # the log entry's page, absolute: also the alternate link
    proof: str
    body: str
    pages: tuple[Link, ...]
    scheme: str  # the category scheme: the log's address


def _lang(language: str, around: str) -> dict[str, str]:
    return {} if language.lower() == around.lower() else {"xml:lang": language}


class ActsAtomFeed(Atom1Feed):
    """Atom with languages marked per element and RFC 5005 archives.

    Extra feed arguments: `links` (list of `Link`, self and alternate included), `archive`
    (bool), `title_language` (the language of title and subtitle), `generator` (the site's
    address), `log_updated` (the `updated` of a feed with no act).
    """

    def latest_post_date(self) -> Any:
        """The latest act's time; for a feed with no act yet, when the log last changed (not
        the time of the request, which would make every copy look new)."""
        if self.items:
            return super().latest_post_date()
        return self.feed["log_updated"]

    def root_attributes(self) -> dict[str, str]:
        attributes = {"xmlns": self.ns, "xml:lang": self.feed["language"]}
        if self.feed.get("archive"):
            attributes["xmlns:fh"] = FEED_HISTORY
        return attributes

    def add_root_elements(self, handler: Any) -> None:
        around = self.feed["language"]
        lang = _lang(self.feed["title_language"], around)
        handler.addQuickElement("title", self.feed["title"], lang)
        if self.feed["subtitle"]:
            handler.addQuickElement("subtitle", self.feed["subtitle"], lang)
        for link in self.feed["links"]:
            handler.addQuickElement("link", "", link.attributes())
        handler.addQuickElement("id", self.feed["id"])
        handler.addQuickElement("updated", rfc3339_date(self.latest_post_date()))
        handler.startElement("author", {})
        handler.addQuickElement("name", self.feed["author_name"])
        if self.feed["author_link"]:
            handler.addQuickElement("uri", self.feed["author_link"])
        handler.endElement("author")
        handler.addQuickElement("generator", "openpeace", {"uri": self.feed["generator"]})
        if self.feed.get("archive"):
            handler.addQuickElement("fh:archive", None)

    def item_attributes(self, item: dict[str, Any]) -> dict[str, str]:
        act: Act = item["item"].act
        return _lang(act.title.language, self.feed["language"])

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        entry: Item = item["item"]
        act = entry.act
        around = act.title.language
        handler.addQuickElement("title", act.title.text)
        handler.addQuickElement("id", entry.id)
        handler.addQuickElement("published", rfc3339_date(act.recorded_at))
        handler.addQuickElement("updated", rfc3339_date(act.recorded_at))
        handler.startElement("author", {})
        handler.addQuickElement("name", act.author)
        handler.endElement("author")
        links = [
            Link("alternate", entry.id, HTML, item["link_title"], language=item["site"]),
            Link("related", entry.proof, "application/octet-stream", item["proof_title"],
                 language=item["site"]),
            Link("related", entry.body, "application/json", item["body_title"],
                 language=item["site"]),
            *entry.pages,
        ]
        for link in links:
            attributes = link.attributes()
            if attributes.get("xml:lang", "").lower() == around.lower():
                del attributes["xml:lang"]
            handler.addQuickElement("link", "", attributes)
        handler.addQuickElement("category", "", {"term": act.kind, "scheme": entry.scheme})
        handler.addQuickElement("summary", act.summary.text,
                                {"type": "text", **_lang(act.summary.language, around)})
