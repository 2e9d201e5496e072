from django.apps import AppConfig


class LogConfig(AppConfig):
    name = "openpeace.log"
    label = "transparency"
    verbose_name = "Transparency log"
