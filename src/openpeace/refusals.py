"""The refusal the services raise: an act that cannot be done as asked, and the input at fault."""


class Refused(ValueError):
    """An act that cannot be done as asked: the message says why, and nothing was written.

    `field` names the input at fault, when one is, so that a form shows the refusal at that
    field and the API's 422 names it, rather than above the whole form or at the body.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
