"""The follows' e-mails: the confirmation, and the acts (one by one, or a day's digest).

Every mail of acts carries the headers of a one-click unsubscribe (RFC 8058 §3.1):
`List-Unsubscribe: <https://…/unsubscribe/<token>/>` and
`List-Unsubscribe-Post: List-Unsubscribe=One-Click`, so a mail client can unsubscribe with one
POST and no further step (the URL accepts it, `views.unsubscribe`); RFC 8058 §4 also asks that
a DKIM signature cover both headers, which is the outgoing mail server's work. Its `Message-ID`
is fixed by the follow and the act (or the digest's day): if a sender dies after sending and
before recording it, the one mail sent again has the same Message-ID, and mail clients show it
once.

A person gets each act once, however many of their follows it answers
(`selectors.mailed_under`): its mail says which of them it answers, and carries the unsubscribe
link of the one it is mailed under (whose page can also stop them all).

Every mail is multipart/alternative (`publicity.mail.multipart`, as the endorsements' own
mails are): the plain text, and the same words in HTML (`templates/publicity/follows/mail/`),
made from the same values, with the same links. Only HTML can say that a quoted text (a
government's reply, a demand as filed, a plebiscite's question) is in another language and
script: there it carries the `lang` and `dir` of the language its entry names
(`feeds.acts.describe`, as the feeds mark it); and every name is in `<bdi>`, as on the pages:
the name of what is followed, and each name an act's title or summary joins in (`describe`
gives them as segments apart, `Said.segments`), so that a name written right to left cannot
reorder the sentence around it. The HTML part has no script, no style and nothing to fetch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from openpeace.log.models import Entry
from openpeace.publicity.feeds.acts import Act, describe, site_language
from openpeace.publicity.feeds.marked import Marked
from openpeace.publicity.feeds.register import Register
from openpeace.publicity.follows import selectors
from openpeace.publicity.follows.models import Follow
from openpeace.publicity.mail import multipart
from openpeace.publicity.outbox import entry_urls, site_url

DIGEST_DETAILS = 100
"""A digest describes at most this many acts, then says how many more there were."""


def _domain() -> str:
    return urlsplit(settings.OPENPEACE_SITE_URL).hostname or "openpeace"


def _date(moment: dt.date) -> str:
    return f"{moment.day} {moment:%B %Y}"


def confirmation(follow: Follow, confirm_token: str) -> EmailMultiAlternatives:
    """The opt-in mail: nothing else is ever mailed to a follow before it is confirmed."""
    what = selectors.what(follow)
    link = None
    titles = (what.text, what.isolated)  # the subject's words, the HTML title's
    if follow.status == Follow.Status.PENDING:
        link = site_url(reverse("publicity:follows:confirm", args=[confirm_token]))
        subject, title = (f"Confirm that you follow {words}" for words in titles)
        body = (f"You asked to follow {what.text} by e-mail "
                f"({follow.get_frequency_display()}).\n\nTo confirm, open this link and press "
                f"the button:\n{link}\n\nIf you did not ask, ignore this e-mail: nothing will "
                "be sent to you.\n")
    else:
        subject, title = (f"You already follow {words}" for words in titles)
        body = (f"Someone, perhaps you, asked to follow {what.text} with this address. You "
                "already do; every mail it sends you has a link to unsubscribe.\n")
    return multipart(subject=subject, title=title, body=body, to=follow.contact,
                     template="publicity/follows/mail/confirmation.html",
                     context={"what": what.html, "link": link,
                              "frequency": follow.get_frequency_display()})


@dataclass(frozen=True)
class _Answered:
    """One of the person's follows an act answers: what it follows (said every way), how
    often."""

    what: selectors.What
    frequency: str


@dataclass(frozen=True)
class _Item:
    """One act of a mail: what both its parts say of it."""

    act: Act
    title: Marked
    summary: Marked
    when: str
    entry_url: str
    proof_url: str
    answers: list[_Answered]


def _answers(answered: list[_Answered]) -> str:
    """Which of the person's follows an act answers, in a sentence."""
    named = [f"{one.what.text} ({one.frequency})" for one in answered]
    return f"It answers your follow{'s' if len(named) > 1 else ''} of {'; '.join(named)}.\n"


def acts(follow: Follow, entries: list[Entry], unsubscribe_token: str, *,
         answers: dict[int, list[Follow]], day: dt.date | None = None) -> EmailMultiAlternatives:
    """One act (`day` None) or a day's digest of `entries`, in log order; `answers` gives, per
    entry, the person's follows it answers (`selectors.answered`)."""
    register = Register()
    shown = entries[:DIGEST_DETAILS]
    described = [describe(entry, register) for entry in shown]
    what = selectors.what(follow)
    unsubscribe = site_url(reverse("publicity:follows:unsubscribe", args=[unsubscribe_token]))
    if day is None:  # the act's title on one line; the HTML title's with its names isolated
        subject, title = ("[openpeace] " + " ".join(said.split()) for said in (
            described[0].title.text, described[0].title.isolated))
        message_id = f"<act.{follow.ref}.{entries[0].index}@{_domain()}>"
    else:
        count = f"{len(entries)} act{'' if len(entries) == 1 else 's'}"
        subject, title = (f"[openpeace] {words}: {count}, {_date(day)}" for words in (
            what.text, what.isolated))
        message_id = f"<digest.{follow.ref}.{day.isoformat()}@{_domain()}>"
    language = site_language()
    items = [
        _Item(act, Marked.of(act.title, language), Marked.of(act.summary, language),
              f"{_date(act.recorded_at)}, {act.recorded_at:%H:%M} UTC", *entry_urls(act.index),
              [_Answered(selectors.what(one), one.get_frequency_display())
               for one in answers.get(entry.pk, [follow])])
        for entry, act in zip(shown, described, strict=True)]
    more = len(entries) - len(described)
    browser = site_url(reverse("log:browser"))
    parts = [f"{item.act.title.text}\n{item.when}\n\n{item.act.summary.text}\n\n"
             f"The act in the log: {item.entry_url}\nIts inclusion proof: {item.proof_url}\n"
             + _answers(item.answers) for item in items]
    if more:
        parts.append(f"… and {more} more acts: {browser}\n")
    body = ("\n----\n\n".join(parts)
            + f"\n----\nYou receive this because you follow {what.text} "
              f"({follow.get_frequency_display()}). Each act is mailed to you once, however "
              "many of your follows it answers.\n"
              f"Unsubscribe from {what.text} (one click): {unsubscribe}\n"
              "The page it opens can also stop every follow of this address.\n")
    return multipart(
        subject=subject, title=title, body=body, to=follow.contact,
        template="publicity/follows/mail/acts.html",
        context={"items": items, "more": more, "browser": browser,
                 "what": what.html,
                 "frequency": follow.get_frequency_display(), "unsubscribe": unsubscribe},
        headers={
            "Message-ID": message_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",  # RFC 3834 §5: no auto-reply to it
        },
    )
