from django.urls import path

from openpeace.publicity.follows import views

app_name = "follows"
urlpatterns = [
    path("follow/", views.follow, name="follow"),
    path("follow/sent/", views.sent, name="sent"),
    path("follow/confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("unsubscribe/<str:token>/all/", views.unsubscribe_all, name="unsubscribe-all"),
]
