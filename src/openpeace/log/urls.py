from django.urls import path, re_path

from openpeace.log import views

app_name = "log"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("key", views.key, name="key"),
    re_path(r"^tile/(?P<path>[0-9a-z./]+)$", views.tile, name="tile"),
    re_path(r"^content/(?P<sha256>[0-9a-f]{64})$", views.content, name="content"),
    path("entries/<int:index>", views.entry, name="entry"),
    path("entries/<int:index>.json", views.entry_body, name="entry-body"),
    path("entries/<int:index>.tlog-proof", views.entry_tlog_proof, name="entry-proof"),
]
