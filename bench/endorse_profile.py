"""The CPU of the endorsement's three requests in process: the fast path against Django.

    DATABASE_URL=… OPENPEACE_DATA_DIR=… SECRET_KEY=… .venv/bin/python bench/endorse_profile.py \
        [--flows 50] [--batches 10]

On a served database (`openpeace serve --no-serve` and `openpeace demo replay-1917` on
PostgreSQL, the environment as the server had it), each flow submits an endorsement, opens its
confirmation link and presses its button, called as gunicorn calls the WSGI app: once through
`openpeace.publicity.fast_path.FastPath`, once through Django's app alone. It prints this
process's CPU per request (the best of `batches` batches, the first batch a warm-up) and that of
each app's PostgreSQL backend (its /proc ticks, over all the batches: PostgreSQL on this
machine), with the statements each made. bench/endorse.py measures the same through gunicorn,
nginx and a load generator; this says where the time goes.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpeace.settings")

import django

django.setup(set_prefix=False)  # as openpeace.wsgi does; the imports below need the apps

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

from openpeace.publicity.fast_path import FastPath  # noqa: E402
from openpeace.publicity.services import confirmation_token  # noqa: E402
from openpeace.wsgi import django_application  # noqa: E402

OFFER = "decree-on-peace-1917"
KINDS = ["POST endorse", "GET confirm", "POST confirm"]


def call(app: Any, method: str, path: str, body: bytes = b"") -> str:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8790", "SERVER_PROTOCOL": "HTTP/1.0",
        "HTTP_HOST": "127.0.0.1:8791", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": f"10.9.{len(path) % 200}.7", "HTTP_ACCEPT": "text/html",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if method == "POST":
        environ.update({"CONTENT_TYPE": "application/x-www-form-urlencoded",
                        "CONTENT_LENGTH": str(len(body)), "HTTP_SEC_FETCH_SITE": "same-origin"})
    answer: list[str] = []
    chunks = app(environ, lambda status, headers, exc_info=None: answer.append(status))
    b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return answer[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=50)
    parser.add_argument("--batches", type=int, default=10)
    args = parser.parse_args()
    fast = FastPath(django_application)
    lookup = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)  # not the apps'
    states = lookup.execute("SELECT array_agg(key ORDER BY key) FROM world_state").fetchone()
    assert states is not None
    run = uuid.uuid4().hex[:6]
    statements = 0

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    def backend(app: Any) -> tuple[int, int]:
        """The app's PostgreSQL backend: its pid and its CPU ticks so far."""
        if app is fast:
            pid = fast.worker.db.info.backend_pid
        else:
            connection.ensure_connection()
            pid = connection.connection.info.backend_pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return pid, int(fields[11]) + int(fields[12])

    for label, app in (("fast path", fast), ("Django", django_application)):
        best = dict.fromkeys(KINDS, float("inf"))
        made, before = 0, (0, 0)
        for batch in range(args.batches + 1):  # the first batch warms up, and is not counted
            spent = dict.fromkeys(KINDS, 0.0)
            for i in range(args.flows):
                contact = f"profile-{run}-{label[0].lower()}-{batch}-{i}@example.org"
                body = urllib.parse.urlencode({"contact": contact, "name": f"P {i}",
                                               "country": states[0][i % len(states[0])],
                                               "region": ""}).encode()
                with connection.execute_wrapper(counted):
                    t0 = time.process_time()
                    status = call(app, "POST", f"/offers/{OFFER}/endorse/", body)
                    t1 = time.process_time()
                    assert status.startswith("302"), status
                    ref = lookup.execute("SELECT ref FROM publicity_endorsement WHERE "
                                         "canonical = %s", [contact]).fetchone()
                    assert ref is not None
                    link = f"/endorsements/confirm/{confirmation_token(ref[0])}/"
                    t2 = time.process_time()
                    assert call(app, "GET", link).startswith("200")
                    t3 = time.process_time()
                    assert call(app, "POST", link).startswith("200")
                    t4 = time.process_time()
                for kind, seconds in zip(KINDS, (t1 - t0, t3 - t2, t4 - t3), strict=True):
                    spent[kind] += seconds
            if batch == 0:
                made, before = statements, backend(app)
            else:
                best = {kind: min(best[kind], spent[kind] / args.flows) for kind in KINDS}
        after, n = backend(app), args.flows * args.batches
        database = (f"{(after[1] - before[1]) / os.sysconf('SC_CLK_TCK') / n * 1000:.2f} ms"
                    if after[0] == before[0] else "not measured (it reconnected)")
        said = (f"{(statements - made) / n:.1f} statements per endorsement (without BEGIN and "
                "COMMIT)" if app is django_application else "3 statements per endorsement")
        print(f"{label}: this process's CPU per request, ms (best of {args.batches} batches of "
              f"{args.flows} flows): " + ", ".join(f"{k} {best[k] * 1000:.2f}" for k in KINDS)
              + f"; the three {sum(best.values()) * 1000:.2f}. Its PostgreSQL backend: "
              f"{database} of CPU and {said}", flush=True)


if __name__ == "__main__":
    main()
