"""The endorsements' own mails in HTML beside their plain text, as the follows' are: each kind
(the confirmation link, the note that the address has already endorsed, the note that its
endorsement was invalidated) has the same words and links in both parts, the plain text as it
was before there was an HTML part, and the offer's title in `<bdi>`, escaped.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import mail

from openpeace.diplomacy.models import Offer
from openpeace.publicity import services
from tests.publicity.conftest import Queue
from tests.publicity.test_endorsements import endorse, mail_owed, submit
from tests.publicity.test_follows_html import hrefs, html_of, links

SITE = "http://127.0.0.1:8000"


def assert_html_beside(message: mail.EmailMessage, title: str = "Decree on Peace") -> str:
    """The HTML alternative of `message`: a page in the site's language, with nothing to run or
    fetch, the title in `<bdi>`, and the links of the text part; returns it."""
    assert message.message().get_content_type() == "multipart/alternative"
    html = html_of(message)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en" dir="ltr">' in html
    assert "<script" not in html and "<style" not in html and " style=" not in html
    assert "src=" not in html and "<link" not in html
    assert f"“<bdi>{title}</bdi>”" in html
    assert hrefs(html) == links(message.body)
    return html


def test_the_confirmation_link_mail_has_its_html(endorsable: Offer, queue: Queue) -> None:
    submitted = submit(endorsable, "a@example.org")
    assert mail_owed(queue) == 1
    (message,) = mail.outbox
    link = f"{SITE}/endorsements/confirm/{services.confirmation_token(submitted.endorsement.ref)}/"
    assert message.subject == "Confirm your endorsement: Decree on Peace"
    assert message.body == (
        "You asked to endorse “Decree on Peace”.\n\nTo confirm, open this link and press the "
        f"button:\n{link}\n\nIf you did not ask, ignore this e-mail: nothing is counted "
        "without the confirmation.\n")
    assert message.extra_headers == {}
    html = assert_html_beside(message)
    assert hrefs(html) == {link}


def test_the_already_endorsed_note_has_its_html(endorsable: Offer, queue: Queue) -> None:
    endorse(endorsable, "a@example.org")
    mail_owed(queue)
    mail.outbox.clear()
    assert submit(endorsable, "A@example.org").duplicate
    assert mail_owed(queue) == 1
    (message,) = mail.outbox
    assert message.subject == "You have already endorsed: Decree on Peace"
    assert message.body == (
        "Someone, perhaps you, asked to endorse “Decree on Peace” with this address. You have "
        "already endorsed it, and you count once.\n")
    html = assert_html_beside(message)
    assert hrefs(html) == set() and "you count once" in html


def test_the_invalidated_note_has_its_html(endorsable: Offer, queue: Queue) -> None:
    endorse(endorsable, "a@example.org")
    mail_owed(queue)
    services.endorsements_invalidate(
        offer=endorsable, criteria={"domain": "example.org"}, reason="x",
        official=get_user_model().objects.create_user("official"))
    mail.outbox.clear()
    assert submit(endorsable, "a@example.org").duplicate
    assert mail_owed(queue) == 1
    (message,) = mail.outbox
    assert message.subject == "Your endorsement is not counted: Decree on Peace"
    assert message.body == (
        "Someone, perhaps you, asked to endorse “Decree on Peace” with this address. An "
        "endorsement with this address was invalidated by a published act of the officials, "
        "so it is not counted, and this address cannot endorse the offer again. The "
        f"invalidations are in the transparency log:\n{SITE}/log/\n")
    html = assert_html_beside(message)
    assert hrefs(html) == {f"{SITE}/log/"}


def test_a_title_with_markup_is_escaped_in_html_and_as_it_is_in_text(
    endorsable: Offer, queue: Queue,
) -> None:
    title = "Decree <script>alert(1)</script> & “Peace”"
    Offer.objects.filter(pk=endorsable.pk).update(title=title)
    submit(endorsable, "a@example.org")
    assert mail_owed(queue) == 1
    (message,) = mail.outbox
    assert message.subject == f"Confirm your endorsement: {title}"
    assert message.body.startswith(f"You asked to endorse “{title}”.\n")
    escaped = "Decree &lt;script&gt;alert(1)&lt;/script&gt; &amp; “Peace”"
    html = assert_html_beside(message, escaped)
    # A title holds no <bdi>: the name is isolated as plain text does it (U+2068…U+2069).
    assert f"<title>Confirm your endorsement: \u2068{escaped}\u2069</title>" in html
    assert "\u2068" not in message.subject  # the subject stays as the text part says it
