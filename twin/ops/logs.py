"""Log records as text for a terminal or as one JSON object per line for a log pipeline.

``TWIN_LOG_FORMAT=json`` makes every line a JSON object (time in ISO 8601 UTC, level,
logger, message, the request id inside a request, the traceback as text), so a collector
(Loki, Elasticsearch, CloudWatch) needs no parsing rule and a request's lines are found by
its id. ``twin serve`` applies `logging_config` once, before the app is built, to the root
logger and to uvicorn's loggers (its access log included); nothing is configured at import.
"""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any, Literal

from twin.ops.context import current_request_id

LogFormat = Literal["text", "json"]
#: what a text line shows where there is no request
NO_REQUEST = "-"
_TEXT = "%(asctime)s %(levelname)-8s %(name)s [%(request_id)s] %(message)s"
_UVICORN_ACCESS = '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s ' \
    "[%(request_id)s]"
#: the positional arguments of uvicorn's access record, named in a JSON line
_ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request it was logged in (``-`` outside)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id() or NO_REQUEST
        return True


def _utc_iso(created: float) -> str:
    moment = datetime.fromtimestamp(created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (tracebacks are escaped, not broken)."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": _utc_iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id and request_id != NO_REQUEST:
            document["request_id"] = request_id
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) \
                and len(record.args) == len(_ACCESS_FIELDS):
            document.update(zip(_ACCESS_FIELDS, record.args, strict=True))
        if record.exc_info:
            document["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            document["exc_info"] = record.exc_text
        if record.stack_info:
            document["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(document, ensure_ascii=False, default=str)


def logging_config(log_format: LogFormat, level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` document for the service (root and uvicorn loggers).

    Text keeps uvicorn's own look for its lines and adds the request id; JSON formats every
    line alike. Access lines go to stdout and the rest to stderr, as uvicorn does.
    Loggers created before (module ``log`` objects) stay enabled.
    """
    if log_format == "json":
        formatters: dict[str, Any] = {
            "root": {"()": f"{__name__}.JsonFormatter"},
            "uvicorn": {"()": f"{__name__}.JsonFormatter"},
            "access": {"()": f"{__name__}.JsonFormatter"},
        }
    else:
        formatters = {
            "root": {"format": _TEXT},
            "uvicorn": {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s "
                        "%(message)s", "use_colors": None},
            "access": {"()": "uvicorn.logging.AccessFormatter", "fmt": _UVICORN_ACCESS,
                       "use_colors": None},
        }

    def handler(formatter: str, stream: str) -> dict[str, Any]:
        return {"class": "logging.StreamHandler", "formatter": formatter, "stream": stream,
                "filters": ["request_id"]}

    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": formatters,
        "handlers": {
            "root": handler("root", "ext://sys.stderr"),
            "uvicorn": handler("uvicorn", "ext://sys.stderr"),
            "access": handler("access", "ext://sys.stdout"),
        },
        "root": {"handlers": ["root"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": ["uvicorn"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["access"], "level": level, "propagate": False},
            # pygeoapi installs no handler once the root has one: keep its start-up chatter
            "pygeoapi": {"level": "WARNING"},
        },
    }


def configure_logging(log_format: LogFormat, level: str = "INFO") -> None:
    """Apply `logging_config` to this process (``twin serve``, before building the app)."""
    logging.config.dictConfig(logging_config(log_format, level))
