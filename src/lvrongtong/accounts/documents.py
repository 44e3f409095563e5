"""Render the account reports as HTML and as PDF (WeasyPrint, Noto Sans SC embedded by @font-face).

The font comes from the installed ``pylopdf-fonts-zh-cn`` package (Noto Sans SC, SIL OFL 1.1) by its
file path — never a CDN; WeasyPrint subsets and embeds it, so the PDF's Chinese text is extractable.
Charts are inline SVG (``charts.py``), the same in the HTML and the PDF.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

TEMPLATES = {"credit": "account_report_credit.html", "benefit": "account_report_benefit.html"}


@lru_cache(maxsize=1)
def font_path() -> Path:
    """Noto Sans SC from the installed font package (a ModuleNotFoundError names the missing package)."""
    return Path(str(resources.files("pylopdf_fonts_zh_cn").joinpath("NotoSansSC-Regular.otf")))


def font_face_css() -> str:
    """The package ships the regular weight only: bold text uses it too (declared for both weights) so that
    no system font is substituted."""
    src = f"src: url('{font_path().as_uri()}') format('opentype');"
    return "".join(f"@font-face {{ font-family: 'Noto Sans SC'; font-weight: {w}; {src} }}" for w in ("normal", "bold"))


def render_html(report: dict, *, for_pdf: bool = False, lang: str = "zh") -> str:
    from lvrongtong.web.views import templates

    template = templates.env.get_template(TEMPLATES[report["kind"]])
    return template.render(r=report, for_pdf=for_pdf, font_face=font_face_css() if for_pdf else "", lang=lang)


def render_pdf(report: dict) -> bytes:
    try:
        import weasyprint
    except OSError as exc:  # WeasyPrint loads Pango (a system library) on import
        from lvrongtong.kit.errors import AppError

        raise AppError("pdf_unavailable", "PDF 生成需要系统库 Pango（Debian：apt-get install libpango-1.0-0 "
                       "libpangoft2-1.0-0）；HTML 版报告可用", "PDF output needs the Pango system library (Debian: "
                       "apt-get install libpango-1.0-0 libpangoft2-1.0-0); the HTML report works", 503) from exc

    html = render_html(report, for_pdf=True)
    return weasyprint.HTML(string=html, base_url=str(font_path().parent)).write_pdf()


def filename(report: dict, ext: str) -> str:
    uscc = report.get("uscc") or report["summary"]["uscc"]
    label = report.get("post") or report["summary"]["period"]
    return f"{report['kind']}-report-{uscc}-{label}.{ext}"
