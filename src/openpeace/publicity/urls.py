from django.urls import include, path

from openpeace.publicity import views

app_name = "publicity"
urlpatterns = [
    path("offers/<slug:key>/endorse/", views.endorse, name="endorse"),
    path("offers/<slug:key>/endorse/sent/", views.endorsement_sent, name="endorsement-sent"),
    path("offers/<slug:key>/endorsements/", views.tally, name="tally"),
    path("offers/<slug:key>/endorsements.json", views.tally_json, name="tally-json"),
    path("endorsements/confirm/<str:token>/", views.endorsement_confirm,
         name="endorsement-confirm"),
    path("endorsements/mail-rules.json", views.mail_rules, name="mail-rules"),
    path("feeds/", include("openpeace.publicity.feeds.urls")),
    path("data/", include("openpeace.publicity.opendata.urls")),
    path("", include("openpeace.publicity.follows.urls")),
]
