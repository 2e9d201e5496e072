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
]
