from django.urls import URLPattern, URLResolver, path, re_path

from openpeace.publicity.opendata import views

app_name = "opendata"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    re_path(r"^(?P<name>[^/]+?)\.schema\.json$", views.schema, name="schema"),
    re_path(r"^(?P<name>[^/.]+)\.(?P<format>[^/]+)$", views.download, name="download"),
    re_path(r"^(?P<name>[^/.]+)/?$", views.no_format, name="no-format"),
]
