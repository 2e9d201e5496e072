from django.urls import path

from openpeace.selfdetermination import views

app_name = "selfdetermination"
urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("coverage.csv", views.coverage_csv_download, name="coverage-csv"),
    path("decisions/", views.decision_list, name="decision-list"),
    path("demands/", views.demand_list, name="demand-list"),
    path("nationalities/<slug:key>/demands/", views.nationality_demands,
         name="nationality-demands"),
    path("nationalities/<slug:key>/demands/file/", views.demand_file_page, name="demand-file"),
]
