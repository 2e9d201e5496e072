"""The follows' mails in HTML beside their plain text: a text quoted in another language (an
Ottoman reply, written right to left) carries its `lang` and `dir`, names are in `<bdi>`, every
link is the text part's, the quoted text is escaped, and the plain text part is as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

from django.core import mail
from django.utils import timezone

from openpeace.diplomacy.models import Offer
from openpeace.publicity.follows import services
from tests.publicity.conftest import Queue
from tests.publicity.test_follows import OFFER, follow, notify, released, token_in  # noqa: F401
from tests.publicity.test_webhooks import acts

REPLY = "دولت عثمانیه نك جوابی <script>alert(1)</script>"


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each element with a `lang`."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.marked: list[tuple[dict[str, str | None], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br", "hr"):
            self.open.append((tag, dict(attrs), []))

    def handle_endtag(self, tag: str) -> None:
        name, attrs, text = self.open.pop()
        assert name == tag
        if "lang" in attrs and tag != "html":
            self.marked.append((attrs, "".join(text)))

    def handle_data(self, data: str) -> None:
        for _tag, _attrs, text in self.open:
            text.append(data)


def html_of(message: Any) -> str:
    (alternative,) = message.alternatives
    content, mimetype = alternative
    assert mimetype == "text/html"
    return str(content)


def links(text: str) -> set[str]:
    return set(re.findall(r"https?://[^\s<>\"]+", text))


def hrefs(html: str) -> set[str]:
    parsed = Elements()
    parsed.feed(html)
    return {str(attrs["href"]) for tag, attrs in parsed.tags if tag == "a"}


def test_an_act_quoting_a_right_to_left_reply_is_marked_in_html_and_unchanged_in_text(
    released: Offer, queue: Queue,  # noqa: F811
) -> None:
    subscribed = follow(queue, "o@example.org", "offer", OFFER)
    (reply,) = acts(("reply.recorded", f"offer:{OFFER}:ottoman-empire",
                     {"state": "ottoman-empire", "reply": "rejects", "text": REPLY,
                      "language": "ota"}))
    assert notify(queue) == [True]
    (message,) = mail.outbox
    unsubscribe = f"http://127.0.0.1:8000/unsubscribe/{token_in(message, 'unsubscribe')}/"
    at = reply.recorded_at
    assert message.body == (  # the plain text, exactly as before there was an HTML part
        f"Ottoman Empire rejects the offer\n{at.day} {at:%B %Y}, {at:%H:%M} UTC\n\n{REPLY}\n\n"
        f"The act in the log: http://127.0.0.1:8000/log/entries/{reply.index}\n"
        f"Its inclusion proof: http://127.0.0.1:8000/log/entries/{reply.index}.tlog-proof\n"
        "It answers your follow of the offer “Decree on Peace” (each act as it happens).\n"
        "\n----\nYou receive this because you follow the offer “Decree on Peace” (each act as "
        "it happens). Each act is mailed to you once, however many of your follows it "
        f"answers.\nUnsubscribe from the offer “Decree on Peace” (one click): {unsubscribe}\n"
        "The page it opens can also stop every follow of this address.\n")
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["Message-ID"] == (
        f"<act.{subscribed.ref}.{reply.index}@127.0.0.1>")

    html = html_of(message)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en" dir="ltr">' in html
    parsed = Elements()
    parsed.feed(html)
    quoted = [(attrs, text) for attrs, text in parsed.marked if attrs["lang"] == "ota"]
    assert [(attrs["dir"], text.strip()) for attrs, text in quoted] == [("rtl", REPLY)]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and "<style" not in html and " style=" not in html
    assert "src=" not in html and "<link" not in html  # nothing fetched from elsewhere
    assert "<bdi>Decree on Peace</bdi>" in html
    assert hrefs(html) == links(message.body) == {
        unsubscribe, f"http://127.0.0.1:8000/log/entries/{reply.index}",
        f"http://127.0.0.1:8000/log/entries/{reply.index}.tlog-proof"}
    assert message.message().get_content_type() == "multipart/alternative"


def test_a_digest_and_a_confirmation_have_their_html_with_the_same_links(
    released: Offer, queue: Queue,  # noqa: F811
) -> None:
    services.follow_submit(contact="c@example.org", target="state", key="ottoman-empire",
                           frequency="daily")
    queue.run()
    (confirmation,) = mail.outbox
    html = html_of(confirmation)
    assert "<bdi>Ottoman Empire</bdi>" in html
    assert hrefs(html) == links(confirmation.body) and len(hrefs(html)) == 1
    follow(queue, "d@example.org", "offer", OFFER, "daily")

    day = timezone.now().date() + dt.timedelta(days=10)
    acts(("offer.status_changed", f"offer:{OFFER}", {"to": "open"}),
         ("reply.recorded", f"offer:{OFFER}:ottoman-empire",
          {"state": "ottoman-empire", "reply": "rejects", "text": REPLY, "language": "ota"}))
    notify(queue, at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC))
    notify(queue, at=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC))
    (digest,) = mail.outbox
    html = html_of(digest)
    assert hrefs(html) == links(digest.body) and len(hrefs(html)) == 5
    parsed = Elements()
    parsed.feed(html)
    assert [(a["lang"], a["dir"]) for a, _text in parsed.marked] == [("ota", "rtl")]
