"""The id of the request being answered, for log records and error bodies.

A context variable, set by `twin.ops.middleware.RequestMiddleware` for the whole request:
handlers, the thread pool (Starlette copies the context into it) and log records all see
it, without passing it around. Outside a request it is None.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar, Token

HEADER = "X-Request-ID"
#: what an incoming id may be: short, and nothing a log line or a header could be split by
_SANE = re.compile(r"[A-Za-z0-9._-]{1,128}")

_current: ContextVar[str | None] = ContextVar("twin_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request this code runs for, or None outside any request."""
    return _current.get()


def set_request_id(request_id: str | None) -> Token[str | None]:
    """Make ``request_id`` current (the middleware; tests); returns the token to reset."""
    return _current.set(request_id)


def reset_request_id(token: Token[str | None]) -> None:
    _current.reset(token)


def request_id_for(incoming: str | None) -> str:
    """The caller's id when it is sane (a proxy or client correlating its own logs with
    ours), otherwise a new one: an id goes into log lines and a response header, so an
    arbitrary string (newlines, quotes, kilobytes) is never taken."""
    if incoming is not None and _SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex
