"""The site's frame (header and footer) is rendered once per language, and is the same frame
every page had when each rendered its own."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from openpeace.web.templatetags import frame


@pytest.fixture
def fresh_frame():
    frame._rendered.cache_clear()
    yield frame._rendered
    frame._rendered.cache_clear()


@pytest.mark.django_db
def test_the_frame_is_rendered_once_per_language_and_served_whole(client: Client,
                                                                  fresh_frame) -> None:
    first = client.get("/endorsements/confirm/abc/").content.decode()
    second = client.get("/coverage/").content.decode()
    assert fresh_frame.cache_info().misses == 2  # the header and the footer, once each
    assert fresh_frame.cache_info().hits == 2
    header, footer = render_to_string("web/_header.html"), render_to_string("web/_footer.html")
    assert '<nav aria-label="Main">' in header and "/treaties/" in header
    for page in (first, second):
        assert header in page and footer in page
        assert page.index(header) < page.index('<main id="content">') < page.index(footer)


def test_each_language_has_its_own_frame(fresh_frame) -> None:
    with translation.override("en"):
        frame.frame("web/_footer.html")
    with translation.override("fr"):
        frame.frame("web/_footer.html")
        frame.frame("web/_footer.html")
    assert fresh_frame.cache_info().misses == 2 and fresh_frame.cache_info().hits == 1


@pytest.mark.django_db
def test_with_debug_on_the_frame_is_rendered_every_time(client: Client, fresh_frame,
                                                        settings) -> None:
    settings.DEBUG = True
    client.get("/endorsements/confirm/abc/")
    assert fresh_frame.cache_info().currsize == 0
