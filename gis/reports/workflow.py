"""The status workflow: new -> acknowledged -> in progress -> solved / rejected.

The same transitions are seeded by migration ``0016_reports`` for the trigger that guards
edits made outside this module (QGIS through OGC API Features Part 4); checking them here
first gives the API and the CLI a 409 that names what is allowed.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from gis.errors import InvalidStatusTransition, ReportError

Status = Literal["new", "acknowledged", "in_progress", "solved", "rejected"]
STATUSES: Final[tuple[Status, ...]] = get_args(Status)
TRANSITIONS: Final[dict[Status, tuple[Status, ...]]] = {
    "new": ("acknowledged", "rejected"),
    "acknowledged": ("in_progress", "rejected"),
    "in_progress": ("solved", "rejected"),
    "solved": (),
    "rejected": (),
}


def as_status(value: str) -> Status:
    """A known status (``in progress`` and ``in-progress`` are accepted for ``in_progress``)."""
    normal = value.strip().lower().replace(" ", "_").replace("-", "_")
    for status in STATUSES:
        if status == normal:
            return status
    raise ReportError(f"status: {value!r} is not one of {', '.join(STATUSES)}",
                      "status")


def check_transition(current: Status, target: Status) -> None:
    """Raise `InvalidStatusTransition` naming the allowed targets when the move is not one."""
    allowed = TRANSITIONS[current]
    if target not in allowed:
        shown = ", ".join(allowed) or "none, it is final"
        raise InvalidStatusTransition(
            f"status: {current} -> {target} is not allowed (from {current}: {shown})")
