"""Excel export: stream rows into an .xlsx with XlsxWriter's constant-memory mode."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def write_xlsx(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
               notes: Sequence[tuple[str, str]] = ()) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#E2EFDA", "border": 1})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    money = book.add_format({"num_format": "#,##0.00"})
    ws = book.add_worksheet(sheet[:31])
    for col, name in enumerate(headers):
        ws.write_string(0, col, name, head)
        ws.set_column(col, col, max(10, min(40, len(name) * 2)))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, Decimal):
                ws.write_number(r, c, float(value), money)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            elif isinstance(value, datetime):
                ws.write_string(r, c, value.isoformat())
            elif isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), date_fmt)
            else:
                ws.write_string(r, c, str(value))
    if notes:
        info = book.add_worksheet("说明 Notes")
        for r, (key, text) in enumerate(notes):
            info.write_string(r, 0, key, head)
            info.write_string(r, 1, text)
        info.set_column(0, 0, 24)
        info.set_column(1, 1, 100)
    book.close()
    return buffer.getvalue()
