from django.contrib import admin
from django.urls import include, path

from openpeace.api import api, swagger
from openpeace.web import views as web

handler400 = "openpeace.web.views.bad_request"
handler403 = "openpeace.web.views.forbidden"
handler404 = "openpeace.web.views.not_found"

admin.site.site_header = "openpeace — the foreign office"
admin.site.site_title = "openpeace back office"

urlpatterns = [
    path("", web.home, name="home"),
    path("", include("openpeace.world.urls")),
    path("", include("openpeace.diplomacy.urls")),
    path("", include("openpeace.treaties.urls")),
    path("", include("openpeace.selfdetermination.urls")),
    path("", include("openpeace.plebiscites.urls")),
    path("", include("openpeace.publicity.urls")),
    path("api/docs/try", swagger, name="api-try"),
    path("api/", api.urls),
    path("log/", include("openpeace.log.urls")),
    path("admin/", admin.site.urls),
]
