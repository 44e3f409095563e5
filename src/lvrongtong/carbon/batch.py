"""Batch calculations from a workbook: one sheet per method, one row per calculation.

Input: a sheet is named by a method id (``lvrongtong carbon methods``); row 1 holds input names; a
header may carry the unit of its column in brackets, e.g. ``electricity [GWh]``, which is converted
to the method's unit. Each row is judged on its own: a refused row is reported with every field
error and does not stop the others.

Output: the same sheets with the result columns, a status and the errors per row, the ids of the
factors used and the whole trace as JSON; a ``factors`` sheet lists every factor used with its value,
unit, document, clause, source and verification status.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from lvrongtong.carbon.factors import FactorSource, FactorUse
from lvrongtong.carbon.method import decimal_text, run
from lvrongtong.carbon.methods import REGISTRY
from lvrongtong.kit.errors import AppError

HEADER = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(?:\[\s*([^\]]+?)\s*\])?\s*$")


@dataclass
class SheetResult:
    method_id: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)  # per row: status, results, errors, trace


@dataclass
class BatchReport:
    sheets: list[SheetResult]
    factors: dict[str, FactorUse]
    unknown_sheets: list[str]

    @property
    def accepted(self) -> int:
        return sum(o["status"] == "ok" for s in self.sheets for o in s.outcomes)

    @property
    def refused(self) -> int:
        return sum(o["status"] != "ok" for s in self.sheets for o in s.outcomes)


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _row_inputs(headers: list[str], row: list[Any]) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    for header, value in zip(headers, row, strict=False):
        m = HEADER.match(str(header))
        if not m or value in (None, ""):
            continue
        name, unit = m.groups()
        value = _cell(value)
        inputs[name] = {"value": value, "unit": unit} if unit else value
    return inputs


def calculate_workbook(content: bytes, factors: FactorSource) -> BatchReport:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    sheets, used, unknown = [], {}, []
    for name in book.sheet_names:
        if name not in REGISTRY:
            if name != "factors":
                unknown.append(name)
            continue
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=True)
        if not data:
            continue
        headers = [str(h).strip() for h in data[0]]
        sheet = SheetResult(name, headers)
        for row in data[1:]:
            if all(v in (None, "") for v in row):
                continue
            sheet.rows.append(list(row))
            sheet.outcomes.append(_one(REGISTRY[name], _row_inputs(headers, list(row)), factors, used))
        sheets.append(sheet)
    return BatchReport(sheets, used, unknown)


def _one(method, inputs: dict[str, Any], factors: FactorSource, used: dict[str, FactorUse]) -> dict:
    try:
        result = run(method, inputs, factors)
    except AppError as e:
        details = e.details or []
        errors = [f"{d.field}: {d.message_zh} / {d.message_en}" for d in details] or [f"{e.message_zh} / {e.message_en}"]
        return {"status": "refused", "errors": errors}
    for f in result.trace.factors:
        used[f.factor_id] = f
    body = result.as_dict()
    return {"status": "ok", "results": body["results"], "factor_ids": [f.factor_id for f in result.trace.factors],
            "trace": body["trace"], "errors": []}


def report_workbook(report: BatchReport) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#E2EFDA", "border": 1})
    bad = book.add_format({"font_color": "#C00000"})
    for sheet in report.sheets:
        method = REGISTRY[sheet.method_id]
        outputs = [f"{o.name} [{o.unit}]" for o in method.outputs]
        ws = book.add_worksheet(sheet.method_id[:31])
        headers = [*sheet.headers, *outputs, "status 状态", "errors 错误", "factor_ids 因子", "trace 计算过程"]
        for c, h in enumerate(headers):
            ws.write_string(0, c, h, head)
        for r, (row, outcome) in enumerate(zip(sheet.rows, sheet.outcomes, strict=True), start=1):
            for c, value in enumerate(row):
                if value not in (None, ""):
                    ws.write(r, c, _cell(value))
            base = len(sheet.headers)
            for k, o in enumerate(method.outputs):
                figure = outcome.get("results", {}).get(o.name)
                if figure is not None:
                    ws.write_number(r, base + k, float(figure["value"]))
            tail = base + len(outputs)
            ws.write_string(r, tail, outcome["status"], None if outcome["status"] == "ok" else bad)
            ws.write_string(r, tail + 1, "；".join(outcome["errors"]))
            ws.write_string(r, tail + 2, ", ".join(outcome.get("factor_ids", [])))
            ws.write_string(r, tail + 3, json.dumps(outcome.get("trace", {}), ensure_ascii=False)[:32000])
    ws = book.add_worksheet("factors")
    cols = ["factor_id", "value", "unit", "dataset_version", "document", "clause", "source", "verification"]
    for c, h in enumerate(cols):
        ws.write_string(0, c, h, head)
    for r, f in enumerate(sorted(report.factors.values(), key=lambda f: f.factor_id), start=1):
        for c, name in enumerate(cols):
            value = getattr(f, name)
            ws.write_string(r, c, decimal_text(value) if name == "value" else str(value))
    book.close()
    return buffer.getvalue()


def template_workbook() -> bytes:
    """One sheet per method with its input names (and units) and the method's worked example as row 2."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#E2EFDA", "border": 1})
    for method in REGISTRY.values():
        ws = book.add_worksheet(method.id[:31])
        for c, spec in enumerate(method.inputs):
            ws.write_string(0, c, f"{spec.name} [{spec.unit}]" if spec.unit and spec.unit != "1" else spec.name, head)
            ws.write_comment(0, c, f"{spec.label_zh} / {spec.label_en}")
            if spec.name in method.example:
                value = method.example[spec.name]
                ws.write(1, c, json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value)
    book.close()
    return buffer.getvalue()
