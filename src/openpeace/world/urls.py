from django.urls import path

from openpeace.world import views

app_name = "world"
urlpatterns = [
    path("states/", views.state_list, name="state-list"),
    path("states/<slug:key>/", views.state_detail, name="state-detail"),
    path("nationalities/", views.nationality_list, name="nationality-list"),
    path("occupations/", views.occupation_list, name="occupation-list"),
    path("occupations/<slug:territory>/<slug:occupier>/", views.occupation_detail,
         name="occupation-detail"),
]
