"""Pagination for every list in the API: bounded, so no request can ask for an absurd page.

An unbounded `offset` reaches the database as an integer it cannot hold (SQLite and PostgreSQL
both stop at 2**63 - 1); a bounded one is refused up front with a 422 naming the parameter.
"""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 1_000
MAX_OFFSET = 2**31 - 1


class Page(LimitOffsetPagination):
    """`?limit=` (1 to 1,000, default 100) and `?offset=` (0 to 2**31 - 1)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description="how many items, at most")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="how many items to skip")

    def __init__(self) -> None:
        super().__init__(max_limit=MAX_LIMIT)
