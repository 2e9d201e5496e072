from django.apps import AppConfig


class PublicityConfig(AppConfig):
    """The peoples' side: endorsements of the offer, feeds, notifications and open data."""

    name = "openpeace.publicity"
    verbose_name = "Publicity"
