"""The log's addresses under /log/. Its two pages for people (the browser, an entry's page) say
each act in words, which reads every app: their views are `publicity.log_pages`, named here so
that every address of the log and its name stay the log's. This URLconf is the only module of
the log that names another app, and nothing in the log imports it: its services, selectors,
export (`publish`) and the verifier never load another app."""

from django.urls import path, re_path

from openpeace.log import views
from openpeace.publicity import log_pages

app_name = "log"
urlpatterns = [
    path("", log_pages.browser, name="browser"),
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("key", views.key, name="key"),
    re_path(r"^tile/(?P<path>[0-9a-z./]+)$", views.tile, name="tile"),
    re_path(r"^content/(?P<sha256>[0-9a-f]{64})$", views.content, name="content"),
    path("entries/<int:index>", log_pages.entry, name="entry"),
    path("entries/<int:index>.json", views.entry_body, name="entry-body"),
    path("entries/<int:index>.tlog-proof", views.entry_tlog_proof, name="entry-proof"),
]
