from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "openpeace.web"
    verbose_name = "Public site"
