"""Link secrets never reach the server's logs: the access log's lines and Django's warnings
name the path with the secret replaced."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from openpeace.web.redact import AccessLog, RedactSecrets, redact

LINKS = ["/endorsements/confirm/{}/", "/follow/confirm/{}/", "/unsubscribe/{}/",
         "/unsubscribe/{}/all/"]
TOKEN = "Zq3-_secret_TOKEN_9"


@pytest.mark.parametrize("link", LINKS)
def test_a_secret_in_a_path_is_replaced_wherever_it_is_written(link: str) -> None:
    path = link.format(TOKEN)
    assert redact(f'"POST {path}?x=1 HTTP/1.1" 403') == (
        f'"POST {link.format("[redacted]")}?x=1 HTTP/1.1" 403')
    record = logging.LogRecord("django.security.csrf", logging.WARNING, __file__, 1,
                               "Forbidden (%s): %s", ("Origin checking failed", path), None)
    assert RedactSecrets().filter(record)
    assert TOKEN not in record.getMessage() and "[redacted]" in record.getMessage()


def test_other_paths_are_written_as_they_are() -> None:
    assert redact("GET /offers/peace/endorse/ HTTP/1.1") == "GET /offers/peace/endorse/ HTTP/1.1"


def test_the_access_log_line_has_no_secret() -> None:
    path = LINKS[0].format(TOKEN)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": path,
               "SERVER_PROTOCOL": "HTTP/1.1", "QUERY_STRING": "", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_REFERER": f"https://peace.example{path}"}
    atoms = AccessLog(Config()).atoms(SimpleNamespace(status="200 OK", sent=10, headers=[]),
                                      SimpleNamespace(headers=[]), environ,
                                      dt.timedelta(milliseconds=3))
    assert TOKEN not in repr(atoms)
    assert atoms["r"] == "GET /endorsements/confirm/[redacted]/ HTTP/1.1"
