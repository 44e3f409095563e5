"""Read uploaded tables (.csv in UTF-8 or GB18030, .xlsx / .xls via calamine) into rows of strings."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from typing import Any

from lvrongtong.kit.errors import field_error

TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "t"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "f"}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise field_error("file", "file_encoding", "无法识别CSV文件编码（请使用UTF-8或GBK）",
                      "cannot decode the CSV file (use UTF-8 or GBK)")


def read_table(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Return (headers, [(spreadsheet row number, {header: value})]); blank rows are skipped."""
    name = filename.lower()
    if name.endswith(".csv"):
        grid = list(csv.reader(io.StringIO(_decode(content))))
    elif name.endswith((".xlsx", ".xls", ".xlsm")):
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            grid = [[_cell(v) for v in row] for row in book.get_sheet_by_index(0).to_python(skip_empty_area=False)]
        except Exception as exc:  # calamine raises its own error types for damaged files
            raise field_error("file", "file_readable", f"无法读取Excel文件：{exc}", f"cannot read the Excel file: {exc}") \
                from exc
    else:
        raise field_error("file", "file_type", "仅支持 .csv 和 .xlsx 文件", "only .csv and .xlsx files are accepted")
    if not grid:
        raise field_error("file", "file_empty", "文件为空", "the file is empty")
    headers = [h.strip() for h in grid[0]]
    rows = []
    for index, raw in enumerate(grid[1:], start=2):
        cells = [c.strip() if isinstance(c, str) else _cell(c) for c in raw]
        if not any(cells):
            continue
        rows.append((index, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h}))
    return headers, rows


def normalise_bool(value: str) -> str:
    low = value.strip().lower()
    if low in TRUE_WORDS:
        return "true"
    if low in FALSE_WORDS:
        return "false"
    return value
