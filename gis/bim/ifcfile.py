"""Opening an IFC file: the bad inputs a commune receives, each refused with a clear reason.

IfcOpenShell reads a STEP file it does not understand as well as it can; we check first
what it cannot tell us well: that the file is STEP at all (an ifcXML or ifcZIP, a PDF sent
by mistake), that it is complete (a truncated upload lacks ``END-ISO-10303-21;``) and that
its schema is one we map (IFC2X3, IFC4, IFC4X3).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gis.errors import IngestError

SUPPORTED_SCHEMAS = ("IFC2X3", "IFC4", "IFC4X3")
STEP_MAGIC = b"ISO-10303-21;"
STEP_END = b"END-ISO-10303-21;"
#: bytes read at the start (a BOM and blank lines may precede the magic) and at the end
HEAD_BYTES = 1024
TAIL_BYTES = 4096


def check_step_file(path: Path) -> None:
    """Refuse what is not a complete STEP Part 21 file, naming the file and the problem."""
    label = str(path)
    if not path.is_file():
        raise IngestError(label, "file not found" if not path.exists() else "not a file")
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
        handle.seek(max(0, path.stat().st_size - TAIL_BYTES))
        tail = handle.read()
    if STEP_MAGIC not in head.lstrip(b"\xef\xbb\xbf \r\n\t")[:len(STEP_MAGIC) + 8]:
        raise IngestError(label, "not an IFC file: no STEP header (ISO-10303-21;); ifcXML and "
                          "ifcZIP are not read, export the model as .ifc (STEP)")
    if STEP_END not in tail:
        raise IngestError(label, "the file is truncated: it does not end with "
                          "END-ISO-10303-21; (an interrupted upload or export?)")


def open_model(path: Path) -> Any:
    """The parsed model (an ``ifcopenshell.file``), or an `IngestError` naming the file."""
    import ifcopenshell  # heavy native module: only when a model is read

    check_step_file(path)
    label = str(path)
    try:
        model = ifcopenshell.open(str(path))
    except ifcopenshell.SchemaError as exc:
        raise IngestError(label, f"unsupported IFC schema ({exc}); supported: "
                          f"{', '.join(SUPPORTED_SCHEMAS)}") from exc
    except (ifcopenshell.Error, RuntimeError, OSError, ValueError, SyntaxError) as exc:
        reason = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise IngestError(label, f"IfcOpenShell cannot read it ({reason})") from exc
    schema = str(model.schema)
    if schema not in SUPPORTED_SCHEMAS:
        raise IngestError(label, f"unsupported IFC schema {model.schema_identifier!r}; "
                          f"supported: {', '.join(SUPPORTED_SCHEMAS)}")
    return model
