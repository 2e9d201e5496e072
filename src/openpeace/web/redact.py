"""Link secrets kept out of the server's logs.

A confirmation or unsubscribe link carries its secret in its path
(`/endorsements/confirm/<token>/`, `/follow/confirm/<token>/`, `/unsubscribe/<token>/`): whoever
reads the access log, or Django's warnings about a refused request, could otherwise confirm
someone's endorsement or stop their follows. Both logs write the path with the secret replaced.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

SECRET_IN_PATH = re.compile(r"(/(?:endorsements/confirm|follow/confirm|unsubscribe)/)[^/?#\s\"]+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with every link secret in a path replaced."""
    return SECRET_IN_PATH.sub(rf"\g<1>{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """A logging filter: the record's message with its link secrets replaced (Django names the
    path of a request it refuses or fails on)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if (redacted := redact(message)) != message:
            record.msg, record.args = redacted, ()
        return True


class AccessLog(Logger):  # type: ignore[misc]
    """gunicorn's logger, its access lines written without link secrets: every value a line may
    show (the request line, the path, the referrer a page of the site sends, any header or
    environment variable a format names)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        found: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {name: redact(value) if isinstance(value, str) else value
                for name, value in found.items()}
