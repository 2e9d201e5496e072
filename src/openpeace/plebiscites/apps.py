from django.apps import AppConfig


class PlebiscitesConfig(AppConfig):
    name = "openpeace.plebiscites"
    verbose_name = "Plebiscites"
