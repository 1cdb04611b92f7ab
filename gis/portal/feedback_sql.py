"""SQL of citizens' feedback (questions, errors, suggestions) and reuses."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, Update, func, insert, select, update
from sqlalchemy.sql.dml import Insert

from gis.portal.tables import portal_feedback, portal_reuse

Subject = Literal["feedback", "reuse"]
TABLES = {"feedback": portal_feedback, "reuse": portal_reuse}


def add(subject: Subject, values: dict[str, Any]) -> Insert:
    table = TABLES[subject]
    return insert(table).values(**values, status="new",
                                created_at=func.now()).returning(table.c.id)


def listed(subject: Subject, layer_ids: list[str], statuses: list[str]) -> Select[Any]:
    table = TABLES[subject]
    return (select(table).where(table.c.layer_id.in_(layer_ids), table.c.status.in_(statuses))
            .order_by(table.c.created_at.desc(), table.c.id.desc()))


def one(subject: Subject, item_id: int) -> Select[Any]:
    table = TABLES[subject]
    return select(table).where(table.c.id == item_id)


def set_values(subject: Subject, item_id: int, values: dict[str, Any]) -> Update:
    table = TABLES[subject]
    return update(table).where(table.c.id == item_id).values(**values)


def answer(item_id: int, text: str) -> Update:
    return (update(portal_feedback).where(portal_feedback.c.id == item_id)
            .values(answer=text, answered_at=func.now(), status="published"))


def forget_emails(subject: Subject, before: datetime) -> Update:
    """Clear the e-mail addresses of items older than ``before`` (GDPR retention)."""
    table = TABLES[subject]
    return (update(table).where(table.c.created_at < before, table.c.author_email.is_not(None))
            .values(author_email=None))

