"""Types shared by every API operation's parameters.

`Text` is a string parameter as the database can take it: PostgreSQL cannot compare text that
contains NUL, so the schema says so, and clients (and schema fuzzers) know before they send.

`Payload` is the base of every request body's schema: a field it does not have is refused, not
dropped. A reply sent with `"state": "france"` beside its fields would otherwise be recorded for
the token's own state, and its sender never told that what it meant was ignored.

`Instant` is a moment a body gives: with its time zone, and one a time here can hold.

Query parameters are not held to that: an unknown one is ignored, as on every page of the site.
A query changes nothing, so nothing is done that was not meant; and links pick up parameters
on their way (a cache-buster, a campaign tag) that must not break them.
"""

import datetime as dt
import re
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, StringConstraints

Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=200)]


class Payload(Schema):
    """A request body: every field it has is one of the schema's (the OpenAPI schema says
    `additionalProperties: false`), and the 422 names each other one at its path."""

    model_config = ConfigDict(extra="forbid")


def _iso_date_only(value: object) -> object:
    """Pydantic would read `0` as 1 January 1970 (a Unix time); a date parameter is YYYY-MM-DD,
    as the schema says, and nothing else."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]


def _representable(value: dt.datetime) -> dt.datetime:
    """A moment is stored in UTC, whose years run from 1 to 9999 as Python's do: 1 January of
    the year 1 at 00:00+05:00 is in the year 0 in UTC, which no date can be, and would fail
    deep in the database layer (an `OverflowError`, a 500) instead of at its field."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("give a time zone (e.g. Z)")
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("it is not between the years 1 and 9999 in UTC, as every time "
                         "here must be") from None
    return value


Instant = Annotated[dt.datetime, AfterValidator(_representable)]
