from django.apps import AppConfig


class TreatiesConfig(AppConfig):
    name = "openpeace.treaties"
    verbose_name = "Treaties"
