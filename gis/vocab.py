"""EU vocabularies (publications.europa.eu authority tables) used by the registry.

Manifests may give a short code (``CC_BY_4_0``, ``MONTHLY``, ``TRAN``); the registry stores
the full IRI, which is what DCAT-AP and the data.europa.eu quality assessment expect.
"""

from __future__ import annotations

AUTHORITY = "http://publications.europa.eu/resource/authority/"
LICENCE = AUTHORITY + "licence/"
FREQUENCY = AUTHORITY + "frequency/"
DATA_THEME = AUTHORITY + "data-theme/"
ACCESS_RIGHT = AUTHORITY + "access-right/"
LANGUAGE = AUTHORITY + "language/"
FILE_TYPE = AUTHORITY + "file-type/"

#: Data themes of the EU vocabulary (DCAT-AP's dcat:theme range).
DATA_THEMES = frozenset(
    {"AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "OP_DATPRO",
     "REGI", "SOCI", "TECH", "TRAN"}
)

#: Update frequencies we accept, with their nominal period in days (freshness checks).
FREQUENCY_DAYS: dict[str, float | None] = {
    "CONT": 0.0, "UPDATE_CONT": 0.0, "DAILY": 1, "WEEKLY": 7, "BIWEEKLY": 14, "MONTHLY": 31,
    "BIMONTHLY": 62, "QUARTERLY": 92, "ANNUAL_2": 183, "ANNUAL": 366, "BIENNIAL": 731,
    "TRIENNIAL": 1096, "IRREG": None, "NEVER": None, "UNKNOWN": None, "OTHER": None,
    "AS_NEEDED": None, "NOT_PLANNED": None,
}

#: Licences we accept: open ones first, then the closed marker for internal data.
LICENCES = frozenset(
    {"CC_BY_4_0", "CC_BY_SA_4_0", "CC0", "ODC_BY", "ODC_ODBL", "ODC_PDDL", "OGL_2_0",
     "EUPL_1_2", "ETALAB_2_0", "GOVERNMENT_COMMON_USE", "COM_REUSE", "PROPRIETARY_LICENCE"}
)

#: Language codes of titles and descriptions -> EU language authority codes.
LANGUAGES: dict[str, str] = {"fr": "FRA", "nl": "NLD", "en": "ENG", "de": "DEU"}


def expand(value: str, base: str, allowed: frozenset[str] | set[str]) -> str:
    """The IRI for a short code or an IRI of ``base``; ValueError names the allowed codes."""
    code = value.removeprefix(base).strip("/") if value.startswith(base) else value.strip()
    if value.startswith("http") and not value.startswith(base):
        raise ValueError(f"{value!r} is not an IRI of {base}")
    if code.upper() not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(sorted(allowed))}")
    return base + code.upper()


def short_code(iri: str) -> str:
    """The last path segment of an authority IRI (``.../frequency/MONTHLY`` -> ``MONTHLY``)."""
    return iri.rstrip("/").rsplit("/", 1)[-1]
