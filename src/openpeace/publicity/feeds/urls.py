"""The feeds' addresses, under /feeds/: the index page, one feed per language and per state,
and their RFC 5005 archive pages (numbered from 1, oldest first)."""

from django.urls import URLPattern, URLResolver, path, re_path

from openpeace.publicity.feeds import views

app_name = "feeds"
# A BCP 47 tag: letters, digits and hyphens (RFC 5646 §2.1), at most 35 characters as stored.
TAG = r"(?P<tag>[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,8}){0,6})"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    re_path(rf"^languages/{TAG}\.atom$", views.LanguageFeed(), name="language"),
    re_path(rf"^languages/{TAG}/(?P<page>[0-9]{{1,9}})\.atom$", views.LanguageFeed(),
            name="language-archive"),
    path("states/<slug:key>.atom", views.StateFeed(), name="state"),
    path("states/<slug:key>/<int:page>.atom", views.StateFeed(), name="state-archive"),
]
