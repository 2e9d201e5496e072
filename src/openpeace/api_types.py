"""Types shared by every API operation's parameters.

`Text` is a string parameter as the database can take it: PostgreSQL cannot compare text that
contains NUL, so the schema says so, and clients (and schema fuzzers) know before they send.
"""

import datetime as dt
import re
from typing import Annotated

from pydantic import BeforeValidator, StringConstraints

Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=200)]


def _iso_date_only(value: object) -> object:
    """Pydantic would read `0` as 1 January 1970 (a Unix time); a date parameter is YYYY-MM-DD,
    as the schema says, and nothing else."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
