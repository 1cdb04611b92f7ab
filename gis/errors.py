"""One error hierarchy for the store: every error class of ``gis`` is defined here.

Every error carries a message that is safe to show to the user who caused it and names the
layer, feature, file or parameter at fault. The store knows nothing of HTTP: the service maps
each class to a status code and an OGC exception type once, in one table (``twin.errors``),
and a test fails when a class is missing from that table.

Errors cross process boundaries (builds run in spawned workers, whose exceptions are pickled
back), so `GisError` pickles its subclasses without calling their ``__init__``: a class with
its own signature (``LayerNotFound(layer_id)``) would otherwise fail to unpickle.
"""

from __future__ import annotations

from typing import Any


def _rebuild(cls: type[GisError], args: tuple[Any, ...], state: dict[str, Any]) -> GisError:
    """Recreate a pickled error as it was, without re-running its ``__init__``."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class GisError(Exception):
    """Base of every error raised by the store."""

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self.args, self.__dict__)


class ConfigurationError(GisError):
    """The deployment is mis-configured (missing grid, no PostgreSQL binaries, bad manifest)."""


class DatabaseUnavailable(GisError):
    """PostGIS cannot be reached or started."""


class LayerNotFound(GisError):
    """The layer does not exist (or, at the service edge, the caller may not see it)."""

    def __init__(self, layer_id: str) -> None:
        super().__init__(f"layer {layer_id!r} not found")
        self.layer_id = layer_id


class SubmissionNotFound(GisError):
    """No feedback or reuse with this id (the portal's producer side)."""


class LayerBusy(GisError):
    """Another operation holds the layer (a load in progress); try again when it is done."""


class InvalidLayerSpec(GisError):
    """A layer description (manifest entry or CLI flags) breaks the registry's rules."""


class IngestError(GisError):
    """A source could not be loaded; the previous version of the layer is untouched.

    ``source`` names the file and ``where`` the feature index, id or line when known, so the
    message always says which file, where and what went wrong.
    """

    def __init__(self, source: str, problem: str, where: str | None = None) -> None:
        location = f"{source}: {where}" if where else source
        super().__init__(f"{location}: {problem}")
        self.source = source
        self.where = where
        self.problem = problem


class QualityRejected(IngestError):
    """The source loaded, but failed the quality rules (``--strict`` or fatal problems)."""


class GeodesyError(GisError):
    """A coordinate operation would be inaccurate (missing grid) or is undefined."""


# --- keys (gis.access) -----------------------------------------------------------------------
class AccessError(GisError):
    """A key operation was refused (bad role or group name, key already revoked).

    Not an access *decision*: `gis.access.decide` answers those with a value, and the service
    turns a refusal into 401/403/404 itself, so a forbidden layer reads like an unknown one.
    """


class PublicationRefused(AccessError):
    """Layers that are not open data would be copied where the service's access control does
    not reach (``twin build ... --publish``: a static host or CDN serves to anyone)."""

    def __init__(self, layers: list[str]) -> None:
        super().__init__(
            f"not open data: {', '.join(layers)}; a published copy is served to anyone, past "
            "the service's access control. Open the layer (--access open), or give "
            "--restricted-target if the target is itself access-controlled")
        self.layers = layers


class UnknownKey(AccessError):
    """No key has this id (``twin keys revoke`` of a typo)."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"no key {key_id!r}")
        self.key_id = key_id


# --- feature edits (gis.edit) ----------------------------------------------------------------
class EditError(GisError):
    """The submitted feature is invalid (names the property or the geometry problem)."""


class FeatureNotFound(GisError):
    """The feature to change does not exist (any more) in a layer the editor may see."""

    def __init__(self, layer_id: str, fid: int) -> None:
        super().__init__(f"feature {fid} not found in {layer_id!r}")
        self.layer_id = layer_id
        self.fid = fid


class EditConflict(GisError):
    """The feature changed since the caller read it (If-Match does not match)."""


# --- downloads (gis.export) ------------------------------------------------------------------
class ExportError(GisError):
    """A download cannot be built; the subclasses say why, and so decide the HTTP answer."""


class NothingToExport(ExportError):
    """The layer holds no data yet (no version loaded): there is no file to offer."""


class UnknownExportFormat(ExportError):
    """The format asked for is not one of the download formats."""


class PublishedViewMissing(ExportError):
    """The layer's published view is missing: the store is not migrated or published yet."""


# --- building heights (gis.city) -------------------------------------------------------------
class HeightsError(GisError):
    """Heights cannot be derived (wrong layer kind, unknown attribute, no LiDAR files)."""


# --- backup and restore (gis.backup) ---------------------------------------------------------
class BackupError(GisError):
    """A backup cannot be written or restored (PostgreSQL tools older than the server, a
    target folder in the way, a build still running); the message says what to do."""


class BackupCorrupted(BackupError):
    """A file of the backup is missing, altered or unexpected (the message names it); the
    backup is verified before anything is replaced, so nothing was restored."""


class RestoreRefused(BackupError):
    """The target database or data directory holds data (the message names the tables and
    folders); ``--force`` replaces them."""


# --- refresh from the source (gis.refresh) ---------------------------------------------------
class RefreshError(GisError):
    """A layer's declared source could not be refreshed (none declared, unreachable, refused,
    not a source we can read); the message names the layer and the URL. The previous version
    stays current: a refresh only ever loads through the atomic ingest."""


# --- live sensors (gis.sensors) --------------------------------------------------------------
class SensorError(GisError):
    """A SensorThings request or message the store refuses (a missing property, a bad
    reference, a wrong type); the message names the entity and the property."""


class SensorQueryError(SensorError):
    """A query option (``$filter``, ``$orderby``, ``$expand``...) that does not parse or
    names an unknown property; the message names the option and the position."""


class SensorEntityNotFound(SensorError):
    """No such SensorThings entity, or the caller may not see it (the same answer)."""


# --- citizens' reports (gis.reports) ---------------------------------------------------------
class ReportError(GisError):
    """A citizen's report the store refuses (unknown category, bad point, photo not a JPEG
    or PNG, too large); the message names the field for API clients, and ``field`` says it
    to the portal's form (which marks that input) without parsing the English sentence."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ReportNotFound(ReportError):
    """No report with this number."""


class InvalidStatusTransition(ReportError):
    """A status change the workflow does not allow (e.g. solved -> new); names both."""
