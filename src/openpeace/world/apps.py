from django.apps import AppConfig


class WorldConfig(AppConfig):
    name = "openpeace.world"
    verbose_name = "World register"
