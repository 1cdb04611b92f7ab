"""One error table: every error class of ours has its package's root and an HTTP answer.

Every module of ``gis``, ``tiles`` and ``twin`` is imported, every exception class defined in
them is enumerated, and each must (1) be defined in its package's errors module, (2) derive
from the package's root (`GisError`, `TilesError`, `TwinError`) and (3) be mapped at the HTTP
edge (``twin.errors``): answering with the bare 500 of a root is a failure unless the class
itself is listed as a deliberate 500. Errors also pickle, as build workers send them back.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import pickle
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gis import errors as gis_errors
from gis.workers import process_pool
from tiles import errors as tiles_errors
from tiles.pointcloud.lasfile import read_layout
from twin import errors as twin_errors

PACKAGES = {"gis": gis_errors.GisError, "tiles": tiles_errors.TilesError,
            "twin": twin_errors.TwinError}
#: Alembic's env script configures a migration run when imported: not importable alone
NOT_IMPORTABLE = {"gis.migrations.env"}


def _import_everything() -> None:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if module.name not in NOT_IMPORTABLE:
                importlib.import_module(module.name)


def _subclasses(cls: type[BaseException]) -> Iterator[type[BaseException]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def our_errors() -> list[type[BaseException]]:
    """Every exception class defined in gis, tiles or twin (after importing all of them)."""
    _import_everything()
    ours = {c for c in _subclasses(BaseException) if c.__module__.split(".")[0] in PACKAGES}
    return sorted(ours, key=lambda c: (c.__module__, c.__qualname__))


def problems(cls: type[BaseException]) -> list[str]:
    """What is wrong with one error class: its place, its root, its HTTP mapping."""
    package = cls.__module__.split(".")[0]
    root = PACKAGES[package]
    found = []
    if cls.__module__ != f"{package}.errors":
        found.append(f"defined in {cls.__module__}, not in {package}.errors")
    if not issubclass(cls, root):
        found.append(f"does not derive from {root.__name__}")
    decided_by, mapping = twin_errors.mapping_for(cls)
    if cls not in twin_errors.ROOTS and decided_by in (*twin_errors.ROOTS, Exception):
        found.append(f"unmapped at the HTTP edge (falls to {decided_by.__name__}'s "
                     f"{mapping.status}); map it in twin.errors or list it as a deliberate 500")
    return [f"{cls.__module__}.{cls.__qualname__}: {p}" for p in found]


def test_every_error_has_its_root_and_an_http_mapping() -> None:
    classes = our_errors()
    assert len(classes) >= 30  # the enumeration works
    assert {tiles_errors.LasFormatError, gis_errors.HeightsError,
            twin_errors.WriteForbidden} <= set(classes)
    assert [p for cls in classes for p in problems(cls)] == []


def test_the_table_test_can_fail() -> None:
    """A class missing from the table, or outside the hierarchy, is reported."""

    class UnmappedStoreError(gis_errors.GisError):
        pass

    class StrayBuildError(ValueError):
        pass

    class UnmappedServiceError(twin_errors.TwinError):
        pass

    pretend = {UnmappedStoreError: "gis.errors", StrayBuildError: "tiles.pointcloud.lasfile",
               UnmappedServiceError: "twin.errors"}
    try:
        for cls, module in pretend.items():
            cls.__module__ = module
        assert problems(UnmappedStoreError) == [
            "gis.errors.test_the_table_test_can_fail.<locals>.UnmappedStoreError: unmapped at "
            "the HTTP edge (falls to GisError's 500); map it in twin.errors or list it as a "
            "deliberate 500"]
        stray = problems(StrayBuildError)
        assert len(stray) == 3
        assert "not in tiles.errors" in stray[0]
        assert "does not derive from TilesError" in stray[1]
        assert "unmapped" in problems(UnmappedServiceError)[0]
    finally:  # back to this module, so the enumeration of ours never sees them
        for cls in pretend:
            cls.__module__ = __name__


@pytest.mark.parametrize(("error", "status", "code"), [
    (gis_errors.FeatureNotFound("roads", 12), 404, "NotFound"),
    (gis_errors.EditConflict("feature 12 of 'roads' was changed"), 412, "PreconditionFailed"),
    (gis_errors.EditError("geometry: invalid"), 400, "InvalidParameterValue"),
    (gis_errors.NothingToExport("layer 'roads' holds no data yet"), 404, "NotFound"),
    (gis_errors.PublishedViewMissing("x"), 503, "ServiceUnavailable"),
    (gis_errors.ExportError("disk full"), 500, "NoApplicableCode"),
    (gis_errors.AccessError("a partner key needs at least one --group"), 400,
     "InvalidParameterValue"),
    (gis_errors.UnknownKey("tk00"), 404, "NotFound"),
    (gis_errors.HeightsError("LiDAR layer 'ahn' has no files"), 400, "InvalidParameterValue"),
    (gis_errors.QualityRejected("a.gpkg", "12 invalid geometries"), 400,
     "InvalidParameterValue"),
    (tiles_errors.LasFormatError("truncated VLR list"), 400, "InvalidParameterValue"),
    (tiles_errors.TilesetWriteError("/srv/tiles/x: read-only"), 500, "NoApplicableCode"),
    (twin_errors.WriteForbidden(), 403, "Forbidden"),
    (twin_errors.InvalidCredentials(), 401, "InvalidCredentials"),
])
def test_mapped_answers(error: Exception, status: int, code: str) -> None:
    got_status, body = twin_errors.http_error(error)
    assert (got_status, body["code"]) == (status, code)
    if status < 500:
        assert body["description"] == str(error)  # names the feature, file or parameter
    else:
        assert body["description"] != str(error)  # server details stay in the log


def test_not_found_never_names_a_layer() -> None:
    """An unknown and a forbidden layer read the same: the body carries no id."""
    for error in (gis_errors.LayerNotFound("cad_closed"),
                  twin_errors.CollectionNotFound("cad_closed"), twin_errors.DatasetNotFound(),
                  twin_errors.TileNotFound("cad_closed", "tileset.json")):
        status, body = twin_errors.http_error(error)
        assert (status, body["code"]) == (404, "NotFound")
        assert "cad_closed" not in body["description"]


def test_foreign_errors_are_a_bare_500() -> None:
    status, body = twin_errors.http_error(KeyError("secret detail"))
    assert (status, body) == (500, {"code": "NoApplicableCode", "description": "internal error"})


def _example(cls: type[BaseException]) -> BaseException:
    """An instance of ``cls`` built from its own signature (ints where it takes ints)."""
    arguments: list[object] = []
    takes_message = False
    for parameter in inspect.signature(cls.__init__).parameters.values():
        if parameter.kind is parameter.VAR_POSITIONAL:
            takes_message = True  # Exception's own __init__: a message
        elif (parameter.name != "self" and parameter.default is inspect.Parameter.empty
              and parameter.kind is not parameter.VAR_KEYWORD):
            arguments.append(7 if "int" in str(parameter.annotation) else f"<{parameter.name}>")
    return cls(*arguments) if arguments or not takes_message else cls("what went wrong")


def test_every_error_pickles() -> None:
    """Workers pickle errors back to the coordinating process: custom __init__s included."""
    for cls in our_errors():
        error = _example(cls)
        error.add_note("raised in a worker")
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is cls
        assert (again.args, str(again), vars(again)) == (error.args, str(error), vars(error))


def test_errors_cross_spawned_processes(tmp_path: Path) -> None:
    """The real path: a worker raises and returns our errors through a spawned pool."""
    junk = tmp_path / "junk.laz"
    junk.write_bytes(b"not a point cloud" * 20)
    sent = [gis_errors.LayerNotFound("roads"), gis_errors.IngestError("a.gpkg", "bad", "#3"),
            gis_errors.FeatureNotFound("roads", 12), twin_errors.ItemNotFound("roads", "9")]
    with process_pool(2, 1) as pool:
        raised = pool.submit(read_layout, junk)
        returned = [pool.submit(copy.copy, error).result() for error in sent]
        with pytest.raises(tiles_errors.LasFormatError, match="no LASF signature"):
            raised.result()
    for before, after in zip(sent, returned, strict=True):
        assert type(after) is type(before)
        assert (after.args, vars(after)) == (before.args, vars(before))
