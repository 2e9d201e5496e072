"""The one exception every failure of the transparency-log core derives from.

Each module raises its own subclass (a bad proof, a bad note, a malformed tile path, a log that
does not match its checkpoint); callers that only need to know "this log input is not valid"
catch `LogError`.
"""


class LogError(Exception):
    """A transparency-log input is malformed, or fails verification."""
