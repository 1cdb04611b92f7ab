"""Citizens' feedback and reuses of a layer: stored, moderated, and forgotten in time.

An item is ``new`` when sent, ``published`` once its layer's producer shows it (a question
with its answer, a reuse in the showcase) and ``hidden`` when refused. The sender's e-mail
address is kept only so the producer can reply, never shown, and cleared after the
retention period (`forget_emails`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Row

from gis.errors import SubmissionNotFound
from gis.portal import feedback_sql
from gis.portal.feedback_sql import Subject

__all__ = ["FEEDBACK_KINDS", "STATUSES", "Item", "Subject", "add_item", "answer_feedback",
           "forget_emails", "get_item", "list_items", "set_status"]

FEEDBACK_KINDS = ("question", "error", "suggestion")
Status = Literal["new", "published", "hidden"]
STATUSES: tuple[Status, ...] = ("new", "published", "hidden")


@dataclass(frozen=True)
class Item:
    """One feedback or reuse as stored; ``fields`` holds the subject's own columns (kind,
    message, answer / title, url, description, image_url)."""

    subject: Subject
    id: int
    layer_id: str
    status: str
    created_at: datetime
    author_name: str | None
    author_email: str | None
    fields: dict[str, Any]


_COMMON = ("id", "layer_id", "status", "created_at", "author_name", "author_email")


def _item(subject: Subject, row: Row[Any]) -> Item:
    values = dict(row._mapping)
    return Item(subject, values["id"], values["layer_id"], values["status"],
                values["created_at"], values["author_name"], values["author_email"],
                {k: v for k, v in values.items() if k not in _COMMON})


def add_item(conn: Connection, subject: Subject, layer_id: str, fields: dict[str, Any],
             author_name: str | None, author_email: str | None) -> int:
    """Store a new item (status ``new``); its id."""
    values = {**fields, "layer_id": layer_id, "author_name": author_name,
              "author_email": author_email}
    return int(conn.execute(feedback_sql.add(subject, values)).scalar_one())


def list_items(conn: Connection, subject: Subject, layer_ids: list[str],
               statuses: tuple[Status, ...] = STATUSES) -> list[Item]:
    """The items of these layers in these statuses, newest first."""
    if not layer_ids:
        return []
    rows = conn.execute(feedback_sql.listed(subject, layer_ids, list(statuses)))
    return [_item(subject, row) for row in rows]


def get_item(conn: Connection, subject: Subject, item_id: int) -> Item:
    """One item; `SubmissionNotFound` when there is none."""
    row = conn.execute(feedback_sql.one(subject, item_id)).one_or_none()
    if row is None:
        raise SubmissionNotFound(f"no {subject} {item_id}")
    return _item(subject, row)


def set_status(conn: Connection, subject: Subject, item_id: int, status: Status) -> None:
    conn.execute(feedback_sql.set_values(subject, item_id, {"status": status}))


def answer_feedback(conn: Connection, item_id: int, text: str) -> None:
    """Store the producer's answer and publish the question with it."""
    conn.execute(feedback_sql.answer(item_id, text))


def forget_emails(conn: Connection, before: datetime) -> int:
    """Clear the senders' e-mail addresses of every item sent before ``before``; how many."""
    return sum(conn.execute(feedback_sql.forget_emails(subject, before)).rowcount
               for subject in ("feedback", "reuse"))
