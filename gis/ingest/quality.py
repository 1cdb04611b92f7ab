"""The quality rules of a load: what is repaired, rejected, or fatal (always, or under --strict).

| problem                          | default                | --strict |
|----------------------------------|------------------------|----------|
| invalid geometry                 | repaired (make_valid)  | fatal    |
| null or empty geometry           | feature rejected       | fatal    |
| duplicate id                     | later ones rejected    | fatal    |
| geometry of another family       | feature rejected       | fatal    |
| coordinates outside the CRS area | feature rejected       | fatal    |
| most features outside the area   | fatal (CRS is wrong)   | fatal    |
| undecodable text, NUL characters | repaired (U+FFFD)      | fatal    |
| Z coordinates                    | dropped, counted       | same     |
| missing CRS, unreadable file     | fatal                  | fatal    |
| nothing left to load             | fatal                  | fatal    |
"""

from __future__ import annotations

from collections.abc import Iterable

from gis.errors import QualityRejected
from gis.model import QualityIssue, QualityReport

#: Above this share of features outside the CRS's area of use, the CRS is what is wrong.
WRONG_CRS_SHARE = 0.5


class QualityTracker:
    """Collects issues into a `QualityReport` and raises when a rule makes them fatal."""

    def __init__(self, source: str, strict: bool) -> None:
        self.report = QualityReport(source=source)
        self.strict = strict
        self._z_dropped = 0

    def add(self, issue: QualityIssue) -> None:
        """Record an issue; under ``--strict`` anything but 'kept' ends the load."""
        if self.strict and issue.action in ("repaired", "rejected"):
            issue = issue.model_copy(update={"action": "fatal"})
        self.report.add(issue)
        if issue.action == "repaired":
            self.report.repaired += 1
        elif issue.action == "rejected":
            self.report.rejected += 1
        elif issue.action == "fatal":
            raise self.fatal(issue)

    def add_all(self, issues: Iterable[QualityIssue]) -> None:
        for issue in issues:
            self.add(issue)

    def fatal(self, issue: QualityIssue) -> QualityRejected:
        """The error ending the load, naming the file, the feature and the reason."""
        if issue.action != "fatal":
            issue = issue.model_copy(update={"action": "fatal"})
            self.report.add(issue)
        rule = " (--strict)" if self.strict and issue.code != "wrong_crs" else ""
        return QualityRejected(self.report.source, issue.message + rule, issue.feature)

    def count_z_dropped(self, count: int) -> None:
        self._z_dropped += count

    def close(self) -> QualityReport:
        """The report so far (with a summary of dropped Z values); fatal if nothing is loaded."""
        if self._z_dropped:
            self.report.add(QualityIssue(
                code="z_dropped", action="kept",
                message=f"{self._z_dropped} geometries had Z values; the vector store is 2D "
                        "(heights come from LiDAR and the city model)",
            ))
            self._z_dropped = 0
        if self.report.features_loaded == 0:
            raise self.fatal(QualityIssue(
                code="no_features", message=f"no feature left to load "
                f"({self.report.features_read} read, {self.report.rejected} rejected)"))
        return self.report
