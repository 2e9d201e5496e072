"""The WSGI application gunicorn serves: Django's, with the endorsement's fast path in front
on PostgreSQL (`openpeace.publicity.fast_path`, which says why)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpeace.settings")
django_application = get_wsgi_application()

from openpeace.publicity.fast_path import endorsements_fast_path  # noqa: E402 (apps ready)

application = endorsements_fast_path(django_application)
