"""The service's error hierarchy and the ONE mapping of domain errors to HTTP.

Every class carries its HTTP status, its OGC exception code and a message that is safe to show
to the caller. ``gis`` and ``tiles`` errors are mapped here too, so route handlers simply let
domain errors propagate; `install_error_handlers` turns them into OGC exception bodies
(``{"code": ..., "description": ...}``).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from gis import errors as gis_errors
from tiles import errors as tiles_errors

log = logging.getLogger(__name__)


class TwinError(Exception):
    """Base of every error raised by the service."""

    http_status = 500
    ogc_code = "NoApplicableCode"


class BadRequest(TwinError):
    """The request is malformed (parameter, filter, CRS, bbox...): a 400, never a 5xx."""

    http_status = 400
    ogc_code = "InvalidParameterValue"


class UnknownParameter(BadRequest):
    """A query parameter the endpoint does not define."""


class InvalidFilter(BadRequest):
    """A CQL2 filter that does not parse, or names unknown properties or functions."""


class NotFound(TwinError):
    """Unknown -- or invisible to this caller: both read the same, so existence never leaks."""

    http_status = 404
    ogc_code = "NotFound"


class CollectionNotFound(NotFound):
    """A collection that does not exist or that the caller may not see."""

    def __init__(self, collection_id: str) -> None:
        # never echo the id: the body of a forbidden layer and of an unknown one are identical
        super().__init__("collection not found")
        self.collection_id = collection_id


class ItemNotFound(NotFound):
    def __init__(self, collection_id: str, item_id: str) -> None:
        super().__init__("item not found")
        self.collection_id = collection_id
        self.item_id = item_id


class NotAcceptable(TwinError):
    http_status = 406
    ogc_code = "InvalidParameterValue"


class ServiceUnavailable(TwinError):
    """The store cannot be reached or is not migrated yet."""

    http_status = 503
    ogc_code = "ServiceUnavailable"


#: (domain class, HTTP status, OGC code, safe message or None to use the error's own)
_DOMAIN_MAPPING: list[tuple[type[Exception], int, str, str | None]] = [
    (gis_errors.LayerNotFound, 404, "NotFound", None),
    (gis_errors.DatabaseUnavailable, 503, "ServiceUnavailable", "the data store is unavailable"),
    (gis_errors.InvalidLayerSpec, 400, "InvalidParameterValue", None),
    (gis_errors.LayerBusy, 409, "Conflict", None),
    (gis_errors.GeodesyError, 400, "InvalidParameterValue", None),
    (gis_errors.GisError, 500, "NoApplicableCode", "internal error"),
    (tiles_errors.BuildInputError, 400, "InvalidParameterValue", None),
    (tiles_errors.TilesError, 500, "NoApplicableCode", "internal error"),
]


def http_error(exc: Exception) -> tuple[int, dict[str, str]]:
    """The HTTP status and OGC exception body of any domain error."""
    if isinstance(exc, TwinError):
        return exc.http_status, {"code": exc.ogc_code, "description": str(exc)}
    for cls, status, code, message in _DOMAIN_MAPPING:
        if isinstance(exc, cls):
            if isinstance(exc, gis_errors.LayerNotFound):
                message = "collection not found"  # no id: existence never leaks
            return status, {"code": code, "description": message or str(exc)}
    return 500, {"code": "NoApplicableCode", "description": "internal error"}


def error_response(exc: Exception, headers: dict[str, str] | None = None) -> JSONResponse:
    status, body = http_error(exc)
    if status >= 500:
        log.error("%s: %s", type(exc).__name__, exc, exc_info=exc)
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Map every error the app may raise to an OGC exception body, once."""

    async def domain(_: Request, exc: Exception) -> JSONResponse:
        return error_response(exc)

    async def validation(_: Request, exc: Exception) -> JSONResponse:
        detail: Any = exc.errors() if isinstance(exc, RequestValidationError) else str(exc)
        return JSONResponse(
            {"code": "InvalidParameterValue", "description": _describe_validation(detail)},
            status_code=400,
        )

    async def http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = "NotFound" if exc.status_code == 404 else "InvalidParameterValue"
        if exc.status_code >= 500:
            code = "NoApplicableCode"
        return JSONResponse({"code": code, "description": str(exc.detail)},
                            status_code=exc.status_code, headers=exc.headers)

    app.add_exception_handler(TwinError, domain)
    app.add_exception_handler(gis_errors.GisError, domain)
    app.add_exception_handler(tiles_errors.TilesError, domain)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http)


def _describe_validation(errors: Any) -> str:
    if isinstance(errors, list):
        parts = []
        for err in errors:
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return "; ".join(parts) or "invalid request"
    return str(errors)
