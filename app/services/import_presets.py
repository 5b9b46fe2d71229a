"""CSV/XLSX column mappings: the first rows to preview, the guess, and presets kept in the dossier's settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.i18n import _
from app.io.import_detect import detect_kind
from app.io.import_records import ImportKind, ImportRefused
from app.io.import_tabular import (
    FIELD_LABELS,
    FIELDS,
    REQUIRED,
    TARGET_LABELS,
    TARGETS,
    ColumnMapping,
    guess_date_order,
    guess_mapping,
    read_table,
)
from app.services.imports import read_file
from app.services.settings import IMPORT_PRESETS, read_setting, write_setting
from app.services.workspace import Workspace

PREVIEW_ROWS = 20
__all__ = ["FIELDS", "FIELD_LABELS", "REQUIRED", "TARGETS", "TARGET_LABELS", "TablePreview", "delete_preset",
           "list_presets", "mapping_problems", "save_preset", "table_preview"]


@dataclass(frozen=True, slots=True)
class TablePreview:
    """A table's headers and first rows, with the mapping to start from (a saved preset's, or the guess)."""

    path: Path
    kind: ImportKind
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_count: int
    mapping: dict[str, Any]
    preset: str  # the preset whose headers match this file's ("" if the mapping is a guess)
    delimiter: str
    encoding: str


def table_preview(ws: Workspace, path: Path) -> TablePreview:
    """Read a CSV/XLSX file's first rows and pick its mapping: a preset with the same headers, else a guess."""
    data = read_file(path)
    kind = detect_kind(data, path.name)
    if kind not in (ImportKind.CSV, ImportKind.XLSX):
        raise ImportRefused(_("{file}: not a CSV or XLSX table.").format(file=path.name))
    table = read_table(data, path.name, kind)
    name, mapping = _matching_preset(ws, table.header)
    if mapping is None:
        mapping = guess_mapping(table).to_json()
    return TablePreview(path, kind, table.header, tuple(row for _line, row in table.rows[:PREVIEW_ROWS]),
                        len(table.rows), mapping, name, table.delimiter, table.encoding)


def guess_for_target(ws: Workspace, path: Path, target: str) -> dict[str, Any]:
    """The guessed columns when the user switches what the file holds (clients, invoices, payments)."""
    data = read_file(path)
    table = read_table(data, path.name, detect_kind(data, path.name))
    guessed = guess_mapping(table)
    if guessed.target != target:
        from app.io.import_tabular import SYNONYMS, normalise_header

        names = [normalise_header(cell) for cell in table.header]
        columns: dict[str, str] = {}
        for field_name in FIELDS[target]:
            for synonym in SYNONYMS[field_name]:
                if synonym in names and table.header[names.index(synonym)] not in columns.values():
                    columns[field_name] = table.header[names.index(synonym)]
                    break
        guessed = ColumnMapping(target, columns)
        guessed.date_order = guess_date_order(table, guessed)
    return guessed.to_json()


def mapping_problems(mapping: dict[str, Any]) -> list[str]:
    """The required fields left without a column (field names)."""
    return ColumnMapping.from_json(mapping).missing()


def list_presets(ws: Workspace) -> dict[str, dict[str, Any]]:
    with ws.dossier.reading() as session:
        value = read_setting(session, IMPORT_PRESETS)
    return dict(value) if isinstance(value, dict) else {}


def save_preset(ws: Workspace, name: str, mapping: dict[str, Any], headers: tuple[str, ...]) -> None:
    """Keep ``mapping`` under ``name`` with the headers it was made for (a file with the same ones reuses it)."""
    with ws.dossier.transaction() as session:
        presets = read_setting(session, IMPORT_PRESETS)
        presets = dict(presets) if isinstance(presets, dict) else {}
        presets[name.strip()[:80]] = {**ColumnMapping.from_json(mapping).to_json(), "headers": list(headers)}
        write_setting(session, IMPORT_PRESETS, presets)


def delete_preset(ws: Workspace, name: str) -> None:
    with ws.dossier.transaction() as session:
        presets = dict(read_setting(session, IMPORT_PRESETS) or {})
        presets.pop(name, None)
        write_setting(session, IMPORT_PRESETS, presets)


def _matching_preset(ws: Workspace, header: tuple[str, ...]) -> tuple[str, dict[str, Any] | None]:
    for name, preset in sorted(list_presets(ws).items()):
        if isinstance(preset, dict) and tuple(preset.get("headers") or ()) == header:
            return name, ColumnMapping.from_json(preset).to_json()
    return "", None
