from django.urls import path

from openpeace.treaties import views

app_name = "treaties"
urlpatterns = [
    path("treaties/", views.treaty_list, name="treaty-list"),
    path("treaties/search/", views.search, name="search"),
    path("treaties/export.csv", views.export_csv, name="export-csv"),
    path("treaties/export.json", views.export_json, name="export-json"),
    path("treaties/<slug:key>/", views.treaty_detail, name="treaty-detail"),
]
