from django.urls import path

from openpeace.plebiscites import views

app_name = "plebiscites"
urlpatterns = [
    path("plebiscites/", views.plebiscite_list, name="list"),
    path("plebiscites/<int:pk>/", views.plebiscite_detail, name="detail"),
    path("plebiscites/<int:pk>/board/", views.plebiscite_board, name="board"),
    path("plebiscites/<int:pk>/booth/", views.plebiscite_booth, name="booth"),
]
