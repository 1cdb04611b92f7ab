"""Checking a model against an Information Delivery Specification (buildingSMART IDS 1.0).

``ifctester`` evaluates each specification (applicability, requirements, cardinality); we
keep per requirement what a permit officer reads -- passed or not, how many elements it
applies to and which failed (by GlobalId) -- as JSON, and ifctester's own HTML report.
The parsed model is kept referenced until the reports are written: ifctester's results
point into it (freed early, the native model crashes the process).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gis.bim.ifcfile import open_model
from gis.errors import IngestError

#: failed GlobalIds kept per specification (the counts stay exact)
MAX_FAILED_IDS = 50


@dataclass(frozen=True)
class SpecificationResult:
    """One requirement of the IDS against the model."""

    name: str
    passed: bool
    applicable: int
    failed: int
    failed_global_ids: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IdsReport:
    """A model checked against an IDS: passed when every specification passed."""

    ids: str
    model: str
    title: str
    passed: bool
    specifications: list[SpecificationResult]
    html: str = field(repr=False, default="")

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("html")
        return data

    def failures(self) -> list[SpecificationResult]:
        return [s for s in self.specifications if not s.passed]

    def summary(self) -> str:
        """One line naming the failed requirements (for refusals)."""
        failed = "; ".join(f"{s.name} ({s.failed} of {s.applicable} elements)"
                           for s in self.failures())
        return f"fails the IDS {self.ids}: {failed}" if failed else f"passes the IDS {self.ids}"


def check_ifc(model_path: Path, ids_path: Path) -> IdsReport:
    """Validate the model at ``model_path`` against the IDS at ``ids_path``."""
    from ifctester import ids, reporter

    label = str(ids_path)
    if not ids_path.is_file():
        raise IngestError(label, "IDS file not found")
    try:
        specification = ids.open(str(ids_path), validate=True)
    except Exception as exc:
        reason = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise IngestError(label, f"not a valid IDS 1.0 file ({reason})") from exc
    model = open_model(model_path)
    specification.validate(model)
    results = reporter.Json(specification).report()
    html = reporter.Html(specification)
    html.report()
    page = html.to_string()
    report = IdsReport(
        ids=label, model=str(model_path), title=str(results.get("title") or ""),
        passed=bool(results["status"]),
        specifications=[_specification(s) for s in results["specifications"]], html=page)
    del model  # only now: the results above point into it
    return report


def _specification(result: dict[str, Any]) -> SpecificationResult:
    failed_ids: list[str] = []
    reasons: list[str] = []
    for requirement in result.get("requirements") or []:
        for failure in requirement.get("failed_entities") or []:
            global_id = failure.get("global_id")
            if global_id and global_id not in failed_ids and len(failed_ids) < MAX_FAILED_IDS:
                failed_ids.append(str(global_id))
            reason = failure.get("reason")
            if reason and reason not in reasons:
                reasons.append(str(reason))
    applicable = int(result.get("total_applicable") or 0)
    failed = int(result.get("total_applicable_fail") or 0)
    if not result["status"] and not failed and not reasons:
        reasons.append("the required elements are missing (cardinality)")
    return SpecificationResult(name=str(result["name"]), passed=bool(result["status"]),
                               applicable=applicable, failed=failed,
                               failed_global_ids=failed_ids, reasons=reasons)
