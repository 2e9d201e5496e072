from django.apps import AppConfig


class SelfDeterminationConfig(AppConfig):
    name = "openpeace.selfdetermination"
    verbose_name = "Self-determination"
