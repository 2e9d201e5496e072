"""A separate process that acts on a database, for tests that kill it mid-act.

    python -m tests.log.actor append N      N acts, each its own transaction with its entry
                                            (says "appending" once the first is in)
    python -m tests.log.actor seed N        N waiting entries at once (for the integrator)
    python -m tests.log.actor state         the log and register state, as JSON
    python -m tests.log.actor rewrite       a dishonest operator: the log wiped, key kept

The database is the one OPENPEACE_DATA_DIR / DATABASE_URL name, as for `openpeace`.
"""

from __future__ import annotations

import json
import os
import sys


def main(command: str, count: int = 0) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpeace.settings")
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from openpeace.log.models import Checkpoint, Entry, TreeState
    from openpeace.log.services import entry_append
    from openpeace.world.models import SituationRecord, State

    if command == "append":
        for i in range(count):
            with transaction.atomic():
                entry_append(kind="test.act", subject=f"act:{os.getpid()}:{i}", content={"n": i})
            if i == 0:  # the killer times its kill from here, not from the slow start
                print("appending", flush=True)
    elif command == "seed":
        now = timezone.now()
        Entry.objects.bulk_create(
            [Entry(kind="test.act", subject=f"seed:{i}", body=b'{"n":%d}' % i, recorded_at=now)
             for i in range(count)],
            batch_size=5_000,
        )
    elif command == "rewrite":
        from openpeace.log.models import LogFile

        with transaction.atomic():
            Entry.objects.all().delete()
            LogFile.objects.all().delete()
            Checkpoint.objects.all().delete()
            TreeState.objects.filter(pk=1).update(size=0, root_hash=b"")
    elif command == "state":
        from openpeace.core.log.merkle import consistency_proof, verify_consistency
        from openpeace.core.log.tiles import TileHashReader
        from openpeace.log.selectors import file_read

        latest = Checkpoint.objects.order_by("-size").first()
        # Every checkpoint ever signed must be a prefix of the latest one.
        for earlier in Checkpoint.objects.order_by("size"):
            assert latest is not None
            proof = consistency_proof(
                earlier.size, latest.size, TileHashReader(latest.size, file_read)
            )
            verify_consistency(earlier.size, latest.size, bytes(earlier.root_hash),
                               bytes(latest.root_hash), proof)
        print(json.dumps({
            "situations": SituationRecord.objects.count(),
            "states": State.objects.count(),
            "situation_entries": Entry.objects.filter(kind="situation.loaded").count(),
            "entries": Entry.objects.count(),
            "indexes": sorted(Entry.objects.exclude(index=None).values_list("index", flat=True)),
            "tree_size": TreeState.objects.filter(pk=1).values_list("size", flat=True).first() or 0,
            "checkpoint_size": latest.size if latest else 0,
            "checkpoints": Checkpoint.objects.count(),
        }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
