"""The life of a secret treaty: `secret` → `published` → `repudiated`, and nothing else.

The source text: the government "must publish and repudiate the secret treaties by which we
have been bound up to the present time". Publishing comes first, because a people can only
judge what it has read; both steps are irreversible, because a treaty once shown cannot be
hidden again and a promise once renounced is not taken back. Corrections of a published
text are revisions that keep the old text visible, never a way back to secrecy.
"""

from __future__ import annotations

from enum import StrEnum

PUBLISH_AND_REPUDIATE_SENTENCE = (
    "It must publish and repudiate the secret treaties by which we have been bound up to the "
    "present time, those which were concluded by the tsar and which give Russian capitalists "
    "the promise of the pillaging of Turkey, Austria, etc."
)


class Status(StrEnum):
    SECRET = "secret"
    PUBLISHED = "published"
    REPUDIATED = "repudiated"


NEXT: dict[Status, Status | None] = {
    Status.SECRET: Status.PUBLISHED,
    Status.PUBLISHED: Status.REPUDIATED,
    Status.REPUDIATED: None,
}
"""The one step each status may take."""


class TransitionRefused(ValueError):
    """A step the treaty's life does not allow; the message names the current status."""


def transition(current: Status, target: Status) -> Status:
    """Return `target` if a treaty that is `current` may become it, else raise with the reason."""
    if NEXT[current] == target:
        return target
    if current == target:
        why = f"it is already {current}"
    elif target == Status.SECRET:
        why = "publication is irreversible: a published treaty can never become secret again"
    elif current == Status.SECRET:
        why = "a secret treaty must be published before it is repudiated"
    else:
        why = "repudiation is final"
    raise TransitionRefused(f"the treaty is {current} and cannot become {target}: {why}")
