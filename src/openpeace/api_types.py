"""Types shared by every API operation's parameters.

`Text` is a string parameter as the database can take it: PostgreSQL cannot compare text that
contains NUL, so the schema says so, and clients (and schema fuzzers) know before they send.
"""

from typing import Annotated

from pydantic import StringConstraints

Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=200)]
