"""The follows' mails in HTML beside their plain text: a text quoted in another language (an
Ottoman reply, written right to left) carries its `lang` and `dir`, names are in `<bdi>` (what is
followed, and every name an act's sentence joins in), every link is the text part's, the quoted
text and the names are escaped, and the plain text part, like the Atom feed, is as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

from django.core import mail
from django.test import Client
from django.utils import timezone

from openpeace.diplomacy.models import Offer
from openpeace.publicity.follows import services
from openpeace.world.models import Nationality, State
from tests.publicity.conftest import Queue
from tests.publicity.test_feeds import ATOM, entries, feed
from tests.publicity.test_follows import OFFER, follow, notify, released, token_in  # noqa: F401
from tests.publicity.test_webhooks import acts

REPLY = "دولت عثمانیه نك جوابی <script>alert(1)</script>"


class Elements(HTMLParser):
    """Every start tag with its attributes, the text inside each element with a `lang`, and
    each heading's and paragraph's text with the names isolated in it (each `<bdi>`'s text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[tuple[str, dict[str, str | None], list[str], list[str]]] = []
        self.marked: list[tuple[dict[str, str | None], str]] = []
        self.said: list[tuple[str, str, list[str]]] = []  # (tag, text, names in <bdi>)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br", "hr"):
            self.open.append((tag, dict(attrs), [], []))

    def handle_endtag(self, tag: str) -> None:
        name, attrs, text, names = self.open.pop()
        assert name == tag
        if "lang" in attrs and tag != "html":
            self.marked.append((attrs, "".join(text)))
        if tag == "bdi":
            for *_around, inside in self.open:
                inside.append("".join(text))
        elif tag in ("h2", "p"):
            self.said.append((tag, "".join(text), names))

    def handle_data(self, data: str) -> None:
        for _tag, _attrs, text, _names in self.open:
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
    assert confirmation.subject == "Confirm that you follow the acts concerning Ottoman Empire"
    assert ("<title>Confirm that you follow the acts concerning \u2068Ottoman Empire\u2069"
            "</title>") in html
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
    offer_title = Offer.objects.get(key=OFFER).title
    assert digest.subject.startswith(f"[openpeace] the offer “{offer_title}”: 2 acts, ")
    assert f"<title>[openpeace] the offer “\u2068{offer_title}\u2069”: 2 acts, " in html
    assert hrefs(html) == links(digest.body) and len(hrefs(html)) == 5
    parsed = Elements()
    parsed.feed(html)
    assert [(a["lang"], a["dir"]) for a, _text in parsed.marked] == [("ota", "rtl")]


# ------------------------------------------------------------------ the names in an act's sentence

OTTOMAN = "دولت علیه عثمانیه"  # the Ottoman Empire's own name, written right to left


def decided(nationality: str, joins: str) -> Any:
    """A nationality's decision to join a state, integrated: its title names them both."""
    (entry,) = acts(("decision.recorded", f"nationality:{nationality}",
                     {"nationality": nationality, "choice": "join", "joins": joins,
                      "via": "declaration", "taken_on": "1917-12-01", "free": True,
                      "source": "Declaration of 1 December 1917"}))
    return entry


def said_in(html: str, tag: str) -> list[tuple[str, list[str]]]:
    """Each `tag` element's text in the HTML part, with the names isolated in it."""
    parsed = Elements()
    parsed.feed(html)
    return [(text, names) for found, text, names in parsed.said if found == tag]


def test_the_names_an_act_joins_in_are_each_in_bdi_and_only_in_html(
    released: Offer, queue: Queue, client: Client,  # noqa: F811
) -> None:
    """A nationality and a state named right to left inside an English sentence: each in its own
    `<bdi>`, so that it cannot reorder the colon and the words around it; the text part and the
    Atom feed say the same sentence, plain, as they did before."""
    State.objects.filter(key="ottoman-empire").update(name=OTTOMAN)
    subscribed = follow(queue, "n@example.org", "nationality", "algerians")
    decision = decided("algerians", "ottoman-empire")
    assert notify(queue) == [True]
    (message,) = mail.outbox
    title = f"Decision of the Algerians: to join {OTTOMAN}"
    summary = "Taken on 1 December 1917, taken freely. Declaration of 1 December 1917"
    at = decision.recorded_at
    unsubscribe = f"http://127.0.0.1:8000/unsubscribe/{token_in(message, 'unsubscribe')}/"
    assert message.subject == f"[openpeace] {title}"
    assert message.body == (  # the plain text, exactly as before names were isolated in HTML
        f"{title}\n{at.day} {at:%B %Y}, {at:%H:%M} UTC\n\n{summary}\n\n"
        f"The act in the log: http://127.0.0.1:8000/log/entries/{decision.index}\n"
        f"Its inclusion proof: http://127.0.0.1:8000/log/entries/{decision.index}.tlog-proof\n"
        "It answers your follow of the acts of the Algerians (a nationality) (each act as it "
        "happens).\n\n----\nYou receive this because you follow the acts of the Algerians (a "
        "nationality) (each act as it happens). Each act is mailed to you once, however many "
        "of your follows it answers.\nUnsubscribe from the acts of the Algerians (a "
        f"nationality) (one click): {unsubscribe}\n"
        "The page it opens can also stop every follow of this address.\n")
    assert not re.search(r"[<>&]|bdi", message.body)  # no markup, not even escaped
    assert message.extra_headers["Message-ID"] == (
        f"<act.{subscribed.ref}.{decision.index}@127.0.0.1>")

    html = html_of(message)
    assert said_in(html, "h2") == [(title, ["Algerians", OTTOMAN])]  # the same words
    assert (summary, []) in said_in(html, "p")
    assert f"<h2>Decision of the <bdi>Algerians</bdi>: to join <bdi>{OTTOMAN}</bdi></h2>" in html
    assert ("<title>[openpeace] Decision of the \u2068Algerians\u2069: to join "
            f"\u2068{OTTOMAN}\u2069</title>") in html  # a title's <bdi>, in plain text
    assert hrefs(html) == links(message.body)

    assert b"bdi" not in client.get("/feeds/languages/en.atom").content
    act = entries(feed(client, "/feeds/languages/en.atom"))[
        "decision.recorded nationality:algerians"]
    assert act.findtext(f"{{{ATOM}}}title") == title
    assert act.findtext(f"{{{ATOM}}}summary") == summary


def test_a_name_is_escaped_inside_its_bdi(released: Offer, queue: Queue) -> None:  # noqa: F811
    """A name is data: its `<` and `&` are text in the HTML part, never markup, and stay as
    they are in the plain text."""
    name = "Finns & <i>Karelians</i>"
    Nationality.objects.filter(key="finns").update(name=name)
    follow(queue, "f@example.org", "nationality", "finns")
    decided("finns", "russia")
    assert notify(queue) == [True]
    (message,) = mail.outbox
    title = f"Decision of the {name}: to join Russia"
    assert message.body.startswith(f"{title}\n")
    html = html_of(message)
    assert "<h2>Decision of the <bdi>Finns &amp; &lt;i&gt;Karelians&lt;/i&gt;</bdi>: to join " \
           "<bdi>Russia</bdi></h2>" in html
    assert said_in(html, "h2") == [(title, [name, "Russia"])]
    parsed = Elements()
    parsed.feed(html)
    assert "i" not in {tag for tag, _attrs in parsed.tags}
