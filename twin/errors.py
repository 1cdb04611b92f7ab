"""The service's error hierarchy and the ONE mapping of every error to HTTP.

Service errors (`TwinError`) know their meaning: each class carries its HTTP status, its OGC
exception code and a message that is safe to show. ``gis`` and ``tiles`` know nothing of
HTTP, so their classes are mapped here, in `DOMAIN_ERRORS`, keyed by class. Route handlers
simply let errors propagate; `install_error_handlers` turns them into OGC exception bodies
(``{"code": ..., "description": ..., "requestId": ...}``) through `http_error`, the only place
that decides. The request id (`twin.ops.context`) is the one of the ``X-Request-ID`` header:
a user reporting an error gives the id that finds its log lines.

A class answers as the nearest class of its ancestry that is mapped (a `TwinError` subclass
that sets ``http_status``, or an entry of `DOMAIN_ERRORS`). Reaching a root (`TwinError`,
`GisError`, `TilesError`) means "unmapped": a bare 500. ``tests/unit/test_error_table.py``
fails for any class of ours that is unmapped without being listed as a deliberate 500.

A forbidden layer must read exactly like an unknown one, so no message of a "not found" kind
names a layer the caller may not see: `LayerNotFound` and `CollectionNotFound` say only
"collection not found", whatever the id.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from gis import errors as gis_errors
from tiles import errors as tiles_errors
from twin.ops.context import HEADER as REQUEST_ID_HEADER
from twin.ops.context import current_request_id

log = logging.getLogger(__name__)


def _rebuild(cls: type[TwinError], args: tuple[Any, ...], state: dict[str, Any]) -> TwinError:
    """Recreate a pickled error as it was, without re-running its ``__init__``."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class TwinError(Exception):
    """Base of every error raised by the service; a bare 500 until a subclass says better."""

    http_status = 500
    ogc_code = "NoApplicableCode"

    def __reduce__(self) -> tuple[Any, ...]:
        # several subclasses take other arguments than the message (see gis.errors)
        return _rebuild, (type(self), self.args, self.__dict__)


class BadRequest(TwinError):
    """The request is malformed (parameter, filter, CRS, bbox...): a 400, never a 5xx."""

    http_status = 400
    ogc_code = "InvalidParameterValue"


class UnknownParameter(BadRequest):
    """A query parameter the endpoint does not define."""


class InvalidFilter(BadRequest):
    """A CQL2 filter that does not parse, or names unknown properties or functions."""


class CswError(BadRequest):
    """An OGC CSW exception: its OWS ``exceptionCode``, the parameter it is about
    (``locator``) and a message. `twin.api.csw` answers it as an OWS ExceptionReport (XML,
    400), as CSW clients expect; elsewhere it would be an ordinary 400."""

    def __init__(self, code: str, locator: str | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.locator = locator
        self.message = message


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
    """No such item in a collection the caller may see (so the item id may be named)."""

    def __init__(self, collection_id: str, item_id: str) -> None:
        super().__init__(f"item {item_id[:64]!r} not found")
        self.collection_id = collection_id
        self.item_id = item_id


class DatasetNotFound(NotFound):
    """A catalogue dataset or download that does not exist or that the caller may not see."""

    def __init__(self) -> None:
        super().__init__("dataset not found")


class TileNotFound(NotFound):
    """A 3D Tiles tileset or file that does not exist, or that the caller may not see."""

    def __init__(self, tileset: str, path: str) -> None:
        # never echo the names: an invisible tileset and an unknown one must read the same
        super().__init__("3D Tiles resource not found")
        self.tileset = tileset
        self.path = path


class InvalidCredentials(TwinError):
    """A key was presented but is unknown, revoked or malformed (never says which)."""

    http_status = 401
    ogc_code = "InvalidCredentials"

    def __init__(self) -> None:
        super().__init__("invalid or revoked API key")


class CredentialsRequired(TwinError):
    """An edit without a key, on a layer the anonymous caller may read."""

    http_status = 401
    ogc_code = "InvalidCredentials"

    def __init__(self) -> None:
        super().__init__("editing needs an API key with write rights")


class WriteForbidden(TwinError):
    """An edit with a key that may read the layer but has no write rights."""

    http_status = 403
    ogc_code = "Forbidden"

    def __init__(self) -> None:
        super().__init__("this key may not edit this collection")


class StaffKeyRequired(TwinError):
    """An operator resource (``/metrics``) asked without a key."""

    http_status = 401
    ogc_code = "InvalidCredentials"

    def __init__(self) -> None:
        super().__init__("this resource needs a staff API key")


class StaffOnly(TwinError):
    """An operator resource asked with a key that is not a staff key."""

    http_status = 403
    ogc_code = "Forbidden"

    def __init__(self) -> None:
        super().__init__("this resource is for staff keys only")


class NotAcceptable(TwinError):
    """No representation the caller accepts (``f=``, Accept)."""

    http_status = 406
    ogc_code = "InvalidParameterValue"


class ServiceUnavailable(TwinError):
    """The store cannot be reached or is not migrated yet."""

    http_status = 503
    ogc_code = "ServiceUnavailable"


class SubmissionRefused(BadRequest):
    """A portal feedback or reuse that breaks a rule (size, missing consent, honeypot);
    ``field`` names the form field it concerns (``twin.reports.refusals``), if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TooManySubmissions(TwinError):
    """A client sent more feedback or reuses than the portal's rate limit allows."""

    http_status = 429
    ogc_code = "TooManyRequests"


class ProducerKeyRequired(TwinError):
    """Moderating a layer's feedback needs a key that may write the layer (its producer)."""

    http_status = 403
    ogc_code = "Forbidden"


@dataclass(frozen=True)
class HttpError:
    """How the edge answers one class of error."""

    status: int
    code: str  # the OGC exception type
    message: str | None = None  # fixed safe text; None: the error's own (it names what)


INTERNAL = HttpError(500, "NoApplicableCode", "internal error")
_INVALID = HttpError(400, "InvalidParameterValue")
_NOT_FOUND = HttpError(404, "NotFound")

#: Domain errors -> HTTP, keyed by class. The roots are the unmapped fallback; every other
#: entry is a decision, including the deliberate 500s (faults of the deployment, not of the
#: request, whose details stay in the log).
DOMAIN_ERRORS: dict[type[Exception], HttpError] = {
    gis_errors.GisError: INTERNAL,
    gis_errors.ConfigurationError: HttpError(500, "NoApplicableCode",
                                             "the service is mis-configured"),
    gis_errors.DatabaseUnavailable: HttpError(503, "ServiceUnavailable",
                                              "the data store is unavailable"),
    gis_errors.LayerNotFound: HttpError(404, "NotFound", "collection not found"),  # no id
    gis_errors.LayerBusy: HttpError(409, "Conflict"),
    gis_errors.SubmissionNotFound: _NOT_FOUND,  # a portal feedback or reuse id
    gis_errors.InvalidLayerSpec: _INVALID,
    gis_errors.IngestError: _INVALID,  # and QualityRejected: the source is at fault
    gis_errors.GeodesyError: _INVALID,
    gis_errors.AccessError: _INVALID,  # bad role or group, key already revoked
    gis_errors.UnknownKey: _NOT_FOUND,
    gis_errors.EditError: _INVALID,
    gis_errors.FeatureNotFound: _NOT_FOUND,  # the editor may see the layer: named
    gis_errors.EditConflict: HttpError(412, "PreconditionFailed"),
    gis_errors.ExportError: HttpError(500, "NoApplicableCode", "the download failed"),
    gis_errors.NothingToExport: _NOT_FOUND,
    gis_errors.UnknownExportFormat: _NOT_FOUND,
    gis_errors.PublishedViewMissing: HttpError(503, "ServiceUnavailable",
                                               "the published data is not ready"),
    gis_errors.HeightsError: _INVALID,
    # never raised by a request (CLI only); an answer all the same, and no detail
    gis_errors.BackupError: HttpError(500, "NoApplicableCode", "backup or restore failed"),
    # CLI only (twin refresh): the upstream source failed, the store is fine
    gis_errors.RefreshError: HttpError(502, "NoApplicableCode", "the layer's source failed"),
    gis_errors.SensorError: _INVALID,  # and SensorQueryError: the request is at fault
    gis_errors.SensorEntityNotFound: _NOT_FOUND,
    gis_errors.ReportError: _INVALID,  # a citizen's report: the field is named
    gis_errors.ReportNotFound: _NOT_FOUND,
    gis_errors.InvalidStatusTransition: HttpError(409, "Conflict"),
    tiles_errors.TilesError: INTERNAL,
    tiles_errors.BuildInputError: _INVALID,  # and LasFormatError
    tiles_errors.TilesetWriteError: HttpError(500, "NoApplicableCode",
                                              "the tileset could not be written"),
    # CLI only (twin build --scheduler/--publish): the cluster or the object store failed
    tiles_errors.EngineUnavailable: HttpError(503, "ServiceUnavailable",
                                              "the build cluster is unavailable"),
    tiles_errors.StorageWriteError: HttpError(502, "NoApplicableCode",
                                              "the product could not be published"),
}
#: the classes whose mapping is the unmapped fallback
ROOTS: tuple[type[Exception], ...] = (TwinError, gis_errors.GisError, tiles_errors.TilesError)


def mapping_for(cls: type[BaseException]) -> tuple[type[BaseException], HttpError]:
    """The mapping of an error class and the class of its ancestry that decided it."""
    for ancestor in cls.__mro__:
        if issubclass(ancestor, TwinError) and "http_status" in vars(ancestor):
            return ancestor, HttpError(ancestor.http_status, ancestor.ogc_code)
        if ancestor in DOMAIN_ERRORS:
            return ancestor, DOMAIN_ERRORS[ancestor]
    return Exception, INTERNAL


def exception_body(code: str, description: str) -> dict[str, str]:
    """An OGC exception document, with the id of the current request when there is one."""
    body = {"code": code, "description": description}
    request_id = current_request_id()
    if request_id is not None:
        body["requestId"] = request_id
    return body


def http_error(exc: Exception) -> tuple[int, dict[str, str]]:
    """The HTTP status and OGC exception body of any error."""
    _, mapped = mapping_for(type(exc))
    return mapped.status, exception_body(mapped.code, mapped.message or str(exc))


def error_response(exc: Exception, headers: dict[str, str] | None = None) -> JSONResponse:
    """The OGC exception response of ``exc``; server faults are logged with their cause."""
    status, body = http_error(exc)
    if status >= 500:
        log.error("%s: %s", type(exc).__name__, exc, exc_info=exc)
    return JSONResponse(body, status_code=status, headers=headers)


def _unexpected(exc: Exception) -> JSONResponse:
    """A bare 500 for an error nothing mapped, still an OGC document with the request id.

    Starlette answers these outside every middleware (`ServerErrorMiddleware`), so the
    ``X-Request-ID`` header is set here; the request's id is still current, as the request
    middleware leaves it set when the app raised.
    """
    request_id = current_request_id()
    return error_response(exc, {REQUEST_ID_HEADER: request_id} if request_id else None)


#: An HTML page for an error, in the visitor's language, when the request is one a person
#: reads (the portal registers it as ``app.state.error_page``); None keeps the OGC document.
ErrorPage = Callable[[Request, int, str, str | None], Response | None]


def _for_request(request: Request, response: JSONResponse) -> Response:
    """The error as the request wants it: the OGC exception document, or a page."""
    render: ErrorPage | None = getattr(request.app.state, "error_page", None)
    if render is None:
        return response
    body = json.loads(bytes(response.body))
    request_id = response.headers.get(REQUEST_ID_HEADER) or current_request_id()
    try:
        page = render(request, response.status_code, str(body.get("description", "")),
                      request_id)
    except Exception:  # an error page must never hide the error it reports
        log.exception("error page for %s failed", request.url.path)
        return response
    if page is None:
        return response
    for name, value in response.headers.items():
        if name.lower() not in ("content-type", "content-length"):
            page.headers.setdefault(name, value)
    return page


def install_error_handlers(app: FastAPI) -> None:
    """Map every error the app may raise to an OGC exception body, once."""

    async def domain(request: Request, exc: Exception) -> Response:
        return _for_request(request, error_response(exc))

    async def validation(request: Request, exc: Exception) -> Response:
        detail: Any = exc.errors() if isinstance(exc, RequestValidationError) else str(exc)
        return _for_request(request, JSONResponse(
            exception_body("InvalidParameterValue", _describe_validation(detail)),
            status_code=400,
        ))

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = "NotFound" if exc.status_code == 404 else "InvalidParameterValue"
        if exc.status_code >= 500:
            code = "NoApplicableCode"
        return _for_request(request, JSONResponse(exception_body(code, str(exc.detail)),
                                                  status_code=exc.status_code,
                                                  headers=exc.headers))

    async def unexpected(request: Request, exc: Exception) -> Response:
        return _for_request(request, _unexpected(exc))

    app.add_exception_handler(TwinError, domain)
    app.add_exception_handler(gis_errors.GisError, domain)
    app.add_exception_handler(tiles_errors.TilesError, domain)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http)
    app.add_exception_handler(Exception, unexpected)


def _describe_validation(errors: Any) -> str:
    if isinstance(errors, list):
        parts = []
        for err in errors:
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return "; ".join(parts) or "invalid request"
    return str(errors)
