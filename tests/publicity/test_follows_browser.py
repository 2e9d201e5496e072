"""Following by e-mail in a real browser (Debian's Chromium): from the offer's page to the form,
the confirmation, an act's mail, and the unsubscribe button; axe finds no WCAG 2.2 AA violation
on any page of the flow."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from openpeace.diplomacy.models import Offer
from openpeace.publicity.follows import services, tasks
from openpeace.publicity.follows.models import Follow
from tests.publicity.test_browser import accessible, offer  # noqa: F401  (a fixture)
from tests.publicity.test_follows import token_in
from tests.publicity.test_webhooks import acts

pytestmark = pytest.mark.browser
SITE = "http://127.0.0.1:8000"


def test_follow_confirm_receive_and_unsubscribe(
    live_server: Any, page: Any, offer: Offer,  # noqa: F811
) -> None:
    page.goto(f"{live_server.url}/offers/{offer.key}/")
    page.get_by_role("link", name="Follow this offer by e-mail").click()
    accessible(page)
    assert page.get_by_label("What to follow").input_value() == f"offer:{offer.key}"
    page.get_by_label("Your e-mail address").fill("not an address")
    page.get_by_role("button", name="Follow").click()
    assert "valid email address" in page.get_by_role("alert").first.inner_text()
    accessible(page)
    page.get_by_label("Your e-mail address").fill("reader@example.org")
    page.get_by_label("each act as it happens").check()
    page.get_by_role("button", name="Follow").click()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    accessible(page)

    tasks.follow_mail.call(str(Follow.objects.get().ref))  # the worker's turn
    confirm = token_in(mail.outbox[-1], "follow/confirm")
    page.goto(f"{live_server.url}/follow/confirm/{confirm}/")
    accessible(page)
    page.get_by_role("button", name="Confirm: send me the acts by e-mail").click()
    assert "You follow the offer “Decree on Peace”" in page.get_by_role("status").inner_text()
    accessible(page)

    acts(("offer.status_changed", f"offer:{offer.key}", {}))
    services.notices_fan_out()
    services.notices_dispatch()
    follow = Follow.objects.get()
    for notice in follow.notices.all():
        services.notice_send(pk=notice.pk, claim=str(notice.claim))
    link = mail.outbox[-1].extra_headers["List-Unsubscribe"].strip("<>")
    page.goto(link.replace(SITE, live_server.url))
    accessible(page)
    page.get_by_role("button", name="Unsubscribe").click()
    assert "You are unsubscribed from the offer “Decree on Peace”" in (
        page.get_by_role("status").inner_text())
    accessible(page)
    follow.refresh_from_db()
    assert follow.status == "unsubscribed"
    page.get_by_role("button", name="Stop all my follows").click()
    assert "everything this address followed" in page.get_by_role("status").inner_text()
    accessible(page)
