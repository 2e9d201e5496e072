"""A write refused for want of a CSRF token gets the site's own page, saying what to do, not
Django's bare one (which has no `dir`, no way back, and speaks only to developers)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_form_sent_without_the_cookie_is_refused_on_a_page_of_the_site() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="en" dir="ltr">' in page and '<header class="site">' in page
    assert "Refused: this form did not come from this site" in page
    assert "did not send the cookie" in page
    assert "CSRF verification failed" not in page


@pytest.mark.django_db
def test_with_the_cookie_but_a_wrong_token_it_says_to_reload() -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/")  # sets the cookie
    page = client.post("/admin/login/", {"csrfmiddlewaretoken": "x" * 64}).content.decode()
    assert "Reload the page with the form" in page and "did not send the cookie" not in page
