"""Tables loaded as geometry-less layers: messy CSVs and spreadsheets, the stored Table
Schema, validation on reload with the previous version intact, anonymisation rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from ingest_support import rows, versions
from openpyxl import Workbook
from sqlalchemy import Engine
from table_support import budget_csv, load_table, table_spec

from gis import registry
from gis.errors import IngestError

pytestmark = pytest.mark.integration


def test_cp1252_csv_with_decimal_commas_and_french_dates(engine: Engine, layer_id: str,
                                                         tmp_path: Path) -> None:
    path = budget_csv(tmp_path / "budget.csv", rows=4)
    result = load_table(engine, table_spec(layer_id), path)
    fields = {f["name"]: f for f in result.schema["fields"]}
    assert fields["montant"]["type"] == "number"
    assert fields["montant"]["decimalChar"] == ","
    assert fields["date_décision"] == {"name": "date_décision", "type": "date",
                                       "format": "%d/%m/%Y"}
    assert fields["approuvé"]["type"] == "boolean"
    assert fields["article"]["type"] == "integer"
    assert result.row_count == 4
    assert result.version == 1
    found = rows(engine, f'SELECT article, "libellé", montant, "date_décision", "approuvé" '  # noqa: S608
                 f'FROM data."{layer_id}" ORDER BY fid')
    assert found[0] == (1, "Entretien des voiries é1", 1234.01, date(2025, 3, 2), True)
    assert found[2][2] == pytest.approx(3.3)
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
    assert layer.quality is not None
    assert layer.quality["table_schema"] == result.schema
    assert layer.quality["dialect"] == {"encoding": "cp1252", "delimiter": ";"}
    assert layer.geometry_type == "Table"
    assert layer.extent_4326 is None


def test_reload_checks_the_stored_schema_and_keeps_the_previous_version(
        engine: Engine, layer_id: str, tmp_path: Path) -> None:
    load_table(engine, table_spec(layer_id), budget_csv(tmp_path / "v1.csv", rows=1500))
    bad = budget_csv(tmp_path / "v2.csv", rows=1500, bad_row=1203)
    with pytest.raises(IngestError) as caught:
        load_table(engine, table_spec(layer_id), bad)
    message = str(caught.value)
    assert "row 1,203" in message
    assert "'montant'" in message
    assert "'douze euros'" in message
    assert "number" in message
    assert "version 1" in message
    assert versions(engine, layer_id)[-1][1] == "failed"
    assert versions(engine, layer_id)[0][:2] == (1, "current")
    assert rows(engine, f'SELECT count(*) FROM data."{layer_id}"')[0][0] == 1500  # noqa: S608


def test_reload_with_other_columns_needs_new_schema(engine: Engine, layer_id: str,
                                                    tmp_path: Path) -> None:
    load_table(engine, table_spec(layer_id), budget_csv(tmp_path / "v1.csv"))
    other = tmp_path / "other.csv"
    other.write_text("code,valeur\nA,1.5\nB,2\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"missing .article.*--new-schema"):
        load_table(engine, table_spec(layer_id), other)
    result = load_table(engine, table_spec(layer_id), other, new_schema=True)
    assert result.version == 2
    assert [f["type"] for f in result.schema["fields"]] == ["string", "number"]
    assert rows(engine, f'SELECT count(*) FROM history."{layer_id}__v1"')[0][0] == 3  # noqa: S608


def test_xlsx_typed_cells_and_merged_header(engine: Engine, layer_id: str,
                                            tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["secteur", "population", "densité", "recensé le"])
    sheet.append(["A11", 1200, 345.5, date(2024, 1, 1)])
    sheet.append(["A12", 800, 120.25, date(2024, 1, 2)])
    good = tmp_path / "stats.xlsx"
    book.save(good)
    result = load_table(engine, table_spec(layer_id), good)
    assert [f["type"] for f in result.schema["fields"]] == ["string", "integer", "number",
                                                           "date"]
    assert rows(engine, f'SELECT population FROM data."{layer_id}" ORDER BY fid')[1] == (800,)  # noqa: S608
    merged = Workbook()
    sheet = merged.active
    assert sheet is not None
    sheet.append(["Budget 2025", None, None])
    sheet.append(["article", "montant", "service"])
    sheet.append([1, 10.5, "voirie"])
    sheet.merge_cells("A1:C1")
    path = tmp_path / "merged.xlsx"
    merged.save(path)
    with pytest.raises(IngestError, match=r"merged\.xlsx.*row 1.*merged header cells A1:C1"):
        load_table(engine, table_spec(f"{layer_id}_m"), path)


def test_personal_fields_are_dropped_from_the_published_view(engine: Engine, layer_id: str,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "inscriptions.csv"
    path.write_text("dossier,nom,quartier\n1,Dupont,Centre\n2,Janssens,Nord\n", encoding="utf-8")
    load_table(engine, table_spec(layer_id, personal_fields={"nom": {"rule": "drop"}}), path)
    columns = rows(engine, "SELECT column_name FROM information_schema.columns WHERE "
                   "table_schema = 'publish' AND table_name = :t", t=layer_id)
    assert {c[0] for c in columns} == {"fid", "dossier", "quartier"}


def test_cli_loads_a_table_and_reports_a_bad_reload(monkeypatch: pytest.MonkeyPatch,
                                                    database_url: str, layer_id: str,
                                                    tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from twin.cli import build_app

    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(tmp_path / "no-config"))
    flags = ["--layer", layer_id, "--title", "Budget", "--licence", "CC_BY_4_0",
             "--producer", "Finances", "--contact-name", "Finances", "--contact-email",
             "finances@commune.example.be", "--frequency", "ANNUAL"]
    runner = CliRunner()
    first = runner.invoke(build_app(), ["ingest", "table",
                                        str(budget_csv(tmp_path / "b.csv", rows=5)), *flags])
    assert first.exit_code == 0, first.output
    assert "version 1" in first.output
    bad = runner.invoke(build_app(), ["ingest", "table", str(budget_csv(
        tmp_path / "bad.csv", rows=5, bad_row=4)), *flags])
    assert bad.exit_code == 1
    assert "row 4" in bad.output
    assert "montant" in bad.output
