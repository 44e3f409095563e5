"""Server-side SVG charts for the account reports: the same markup in the HTML page and in the PDF.

Hand-built (no plotting library, nothing fetched): bar charts (stacked or grouped) and a line. Text
uses the font family the report declares (Noto Sans SC, embedded in the PDF by @font-face)."""

from __future__ import annotations

from html import escape

FONT = "Noto Sans SC, Noto Sans CJK SC, sans-serif"
W, H = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 44, 40


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    mag = 10 ** (len(str(int(v))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if v <= step * mag:
            return step * mag
    return 10 * mag


def _frame(chart_id: str, title: str, top: float, legend: list[tuple[str, str]]) -> list[str]:
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(chart_id)}" class="svg-chart" viewBox="0 0 {W} {H}" '
           f'width="{W}" height="{H}" font-family="{FONT}" font-size="11" role="img" aria-label="{escape(title)}">',
           f'<text x="{LEFT}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>']
    x = W - RIGHT
    for name, colour in reversed(legend):
        x -= 12 + 7 * len(name) + 14
        out.append(f'<rect x="{x}" y="26" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{x + 14}" y="35">{escape(name)}</text>')
    plot_h = H - TOP - BOTTOM
    for i in range(5):
        y = TOP + plot_h * i / 4
        value = top * (4 - i) / 4
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(value)}</text>')
    return out


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}".rstrip("0").rstrip(".")


def bars(chart_id: str, title: str, categories: list[str], series: list[tuple[str, list[float | None], str]],
         *, stacked: bool = False) -> str:
    """Bars per category; series are (name, values, colour). Missing values (None) draw nothing."""
    if not categories:
        return ""
    totals = [sum(v[i] or 0 for _, v, _ in series) if stacked else max((v[i] or 0) for _, v, _ in series)
              for i in range(len(categories))]
    top = _nice_max(max(totals))
    out = _frame(chart_id, title, top, [(n, c) for n, _, c in series])
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    slot = plot_w / len(categories)
    width = slot * 0.7 / (1 if stacked else len(series))
    for i, cat in enumerate(categories):
        x0, base = LEFT + slot * i + slot * 0.15, 0.0
        for j, (name, values, colour) in enumerate(series):
            v = values[i]
            if v is None:
                continue
            h = plot_h * v / top
            x = x0 if stacked else x0 + j * width
            y = TOP + plot_h - base - h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" fill="{colour}">'
                       f'<title>{escape(cat)} {escape(name)}: {_fmt(v)}</title></rect>')
            if stacked:
                base += h
        if len(categories) <= 12 or i % 2 == 0:
            out.append(f'<text x="{LEFT + slot * (i + 0.5):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">'
                       f'{escape(cat)}</text>')
    out.append("</svg>")
    return "".join(out)


def line(chart_id: str, title: str, categories: list[str], values: list[float | None], colour: str = "#1b7f4b",
         *, top: float | None = None, labels: list[str] | None = None) -> str:
    """A line through the known points, each point labelled (e.g. the colour of a rating)."""
    known = [v for v in values if v is not None]
    if not categories or not known:
        return ""
    top = top or _nice_max(max(known))
    out = _frame(chart_id, title, top, [])
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    slot = plot_w / len(categories)
    pts = []
    for i, (cat, v) in enumerate(zip(categories, values, strict=True)):
        x = LEFT + slot * (i + 0.5)
        out.append(f'<text x="{x:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">{escape(cat)}</text>')
        if v is None:
            continue
        y = TOP + plot_h * (1 - v / top)
        pts.append(f"{x:.1f},{y:.1f}")
        label = f"{labels[i]} " if labels and labels[i] else ""
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
                   f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle">{escape(label)}{_fmt(v)}</text>')
    out.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="{colour}" stroke-width="2"/>')
    out.append("</svg>")
    return "".join(out)
