from django.apps import AppConfig


class DiplomacyConfig(AppConfig):
    name = "openpeace.diplomacy"
    verbose_name = "Diplomacy"
