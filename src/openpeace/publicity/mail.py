"""The publicity's mails as multipart/alternative: the plain text, and the same words in HTML.

One helper for every kind of mail the publicity sends (the follows' mails, `follows.mail`, and
the endorsements' own, `services._mail`), so that they share one rule for the HTML part and
one base template (`templates/publicity/mail/base.html`): in the site's language with its
direction, no script, no style and nothing to fetch; a mail client that wants text gets the
text as it always was.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from openpeace.core.languages import direction_of
from openpeace.core.text import isolated
from openpeace.publicity.feeds.acts import site_language


def multipart(*, subject: str, title: str, body: str, to: str, template: str,
              context: dict[str, Any], headers: dict[str, str] | None = None
              ) -> EmailMultiAlternatives:
    """The plain text `body` and, as its alternative, `template` (a template extending
    `publicity/mail/base.html`) rendered from the same values in the site's language.

    `title` is the `subject` as the HTML part's `<title>` says it: with each name isolated
    (`isolated`), as `<bdi>` isolates it in the body, since a title holds no element. The
    `Subject` header stays as the text part has it."""
    language = site_language()
    html = render_to_string(template, {
        **context, "mail_title": title, "language": language,
        "direction": direction_of(language)})
    message = EmailMultiAlternatives(subject=subject, body=body,
                                     from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
                                     headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def named(words: str, *names: str) -> tuple[str, str]:
    """`words` (a `str.format` template) with `names` put in: as a subject says them, and as
    the HTML part's title does, each name isolated (`multipart`'s `subject` and `title`)."""
    return words.format(*names), words.format(*map(isolated, names))
