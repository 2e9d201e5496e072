"""A separate process that publishes a treaty and hangs before its transaction commits.

    python -m tests.treaties.actor hang KEY     publish KEY, say so on stderr, wait to be killed
    python -m tests.treaties.actor state KEY    the treaty's status and its log entries, as JSON
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(command: str, key: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpeace.settings")
    import django

    django.setup()
    from django.db import transaction

    from openpeace.log.models import Entry
    from openpeace.treaties.models import Treaty, TreatyText
    from openpeace.treaties.services import treaty_publish

    if command == "hang":
        with transaction.atomic():
            treaty_publish(treaty=Treaty.objects.get(key=key))
            print("published, not yet committed", file=sys.stderr, flush=True)
            time.sleep(120)
    elif command == "state":
        print(json.dumps({
            "status": Treaty.objects.get(key=key).status,
            "entries": Entry.objects.filter(subject=f"treaty:{key}").count(),
            "texts_logged": TreatyText.objects.filter(treaty__key=key, entry__isnull=False)
            .count(),
        }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
