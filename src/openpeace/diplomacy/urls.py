from django.urls import path

from openpeace.diplomacy import views

app_name = "diplomacy"
urlpatterns = [
    path("offers/", views.offer_list, name="offer-list"),
    path("offers/<slug:key>/", views.offer_detail, name="offer-detail"),
    path(
        "offers/<slug:key>/proclamations/<slug:people>/<str:language>/",
        views.proclamation,
        name="proclamation",
    ),
    path("offers/<slug:key>/notes/<slug:state>/<str:language>/", views.note, name="note"),
    path("offers/<slug:key>/replies/<slug:state>/", views.reply, name="reply"),
    path("offers/<slug:key>/armistices/<int:number>/", views.armistice, name="armistice"),
    path(
        "offers/<slug:key>/armistices/<int:number>/demarcation.geojson",
        views.armistice_demarcation,
        name="armistice-demarcation",
    ),
    path("offers/<slug:key>/sessions/<int:number>/", views.session, name="session"),
]
