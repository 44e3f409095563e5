"""The analytical store: accepted loan rows as Parquet, one file per submission.

Layout (Hive style, so DuckDB and Spark read it alike)::

    <data_dir>/warehouse/reported_loans/period=YYYY-MM/institution=<id>/<receipt>.parquet

A file is written under a temporary name and renamed into place before the database commit
that makes it current; a file is never rewritten. Which file is in force for an institution and
month is the database's ``report_submission.current`` — readers take the list of current files
from there, so a superseded or orphaned file is simply never read.

Money is an exact ``decimal(20,2)``, rates ``decimal(8,4)``, benefits ``decimal(20,4)``; text
dimensions are never null ('' when absent) so that grouping and joins behave the same on
DuckDB and Spark.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lvrongtong.reporting.fields import FIELDS

DATASET = "reported_loans"
CHUNK = 50_000

_TYPES = {"str": pa.string(), "size": pa.string(), "date": pa.date32(), "bool": pa.bool_()}


def _field_type(f) -> pa.DataType:
    if f.kind == "decimal":
        return pa.decimal128(8, 4) if f.name == "rate_pct" else pa.decimal128(20, f.scale)
    return _TYPES[f.kind]


DERIVED = [
    ("institution_id", pa.int32()), ("institution_type", pa.string()), ("period", pa.string()),
    ("year", pa.int16()), ("quarter", pa.int8()), ("month", pa.int8()), ("new_in_period", pa.bool_()),
    ("green_type", pa.string()), ("catalogue_applied", pa.string()),
    ("level1", pa.string()), ("level2", pa.string()), ("level3", pa.string()), ("receipt", pa.string()),
]
SCHEMA = pa.schema([pa.field(f.name, _field_type(f)) for f in FIELDS] + [pa.field(n, t) for n, t in DERIVED])
TEXT_DIMS = ("industry_code", "district_code", "enterprise_size", "catalogue_code", "catalogue_version")


def warehouse(data_dir: Path) -> Path:
    return Path(data_dir) / "warehouse"


def relative_path(period: str, institution_id: int, receipt: str) -> str:
    return f"{DATASET}/period={period}/institution={institution_id}/{receipt}.parquet"


def levels(version: str, code: str | None) -> tuple[str, str, str]:
    """Catalogue level keys carry their version ("2025:1.2"): level 1 of 2019 is not level 1 of 2025."""
    if not code:
        return "", "", ""
    parts = code.split(".")
    keys = [f"{version}:{'.'.join(parts[:n])}" if len(parts) >= n else "" for n in (1, 2, 3)]
    return keys[0], keys[1], keys[2]


class Writer:
    """Collects derived rows column by column and writes them in chunks to a temporary file."""

    def __init__(self, root: Path, rel: str, derived: dict[str, Any]):
        self.final = root / rel
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.final.with_suffix(".parquet.tmp")
        self.derived = derived  # institution_id, institution_type, period, year, quarter, month, receipt
        # per-row columns only; the submission's constants are repeated when a chunk is written
        self.cols: dict[str, list] = {name: [] for name in SCHEMA.names if name not in derived}
        self._fields = [(f.name, self.cols[f.name], f.name in TEXT_DIMS) for f in FIELDS]
        self.writer = pq.ParquetWriter(self.tmp, SCHEMA, compression="zstd")
        self.rows = 0
        self._levels: dict[tuple[str, str | None], tuple[str, str, str]] = {}

    def add(self, row: dict[str, Any], applied: str, period_start: date, period_end: date) -> None:
        cols = self.cols
        for name, values, text in self._fields:
            value = row[name]
            values.append("" if value is None and text else value)
        disbursed = row["disbursed_on"]
        cols["new_in_period"].append(bool(disbursed and period_start <= disbursed <= period_end))
        cols["green_type"].append("green" if row["green"] else "transition" if row["transition"] else "other")
        code = row["catalogue_code"]
        cols["catalogue_applied"].append(applied if code else "")
        key = (applied, code)
        lv = self._levels.get(key)
        if lv is None:
            lv = self._levels[key] = levels(applied, code)
        cols["level1"].append(lv[0])
        cols["level2"].append(lv[1])
        cols["level3"].append(lv[2])
        self.rows += 1
        if len(cols["loan_id"]) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        n = len(self.cols["loan_id"])
        if not n:
            return
        data = {**self.cols, **{k: [v] * n for k, v in self.derived.items()}}
        batch = pa.RecordBatch.from_pydict(data, schema=SCHEMA)
        self.writer.write_batch(batch)
        for values in self.cols.values():
            values.clear()

    def close(self) -> None:
        if self.writer.is_open:
            self._flush()
            self.writer.close()

    def publish(self) -> None:
        """Rename into place (atomic on one file system); called just before the DB commit."""
        os.replace(self.tmp, self.final)

    def discard(self) -> None:
        for path in (self.tmp, self.final):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
