"""Carbon credit report and environmental benefit evaluation: HTML with SVG charts, a real PDF with
extractable Chinese text (WeasyPrint + embedded Noto Sans SC), consent enforced, the method's numbers."""

import io
from datetime import date, timedelta
from decimal import Decimal as D

import pypdf
import pytest

from lvrongtong.accounts import service
from lvrongtong.accounts.activity import ActivityIn
from lvrongtong.kit.principal import CLI


def _year(s, code, year, mwh_per_month, output_cny, product_t):
    for m in range(1, 13):
        start = date(year, m, 1)
        end = (date(year, m + 1, 1) if m < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
        service.add_activity(s, CLI, code, ActivityIn("electricity", D(mwh_per_month), "MWh", start, end, source="bill"))
    service.set_denominators(s, CLI, code, str(year), {"output_value_cny": D(output_cny), "product_quantity": D(product_t),
                                                       "product_unit": "t"})
    service.compute_period(s, CLI, code, str(year))


@pytest.fixture
def two_years(rt, world):
    """2023 (before) and 2024 (after a measure): less electricity for a larger output."""
    with rt.transaction() as s:
        service.open_account(s, CLI, world.ent_uscc)
        _year(s, world.ent_uscc, 2023, "100", "20000000", "1000")
        _year(s, world.ent_uscc, 2024, "80", "25000000", "1200")
    return world.ent_uscc


def _pdf_text(content: bytes) -> tuple[str, set[str]]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    fonts = set()
    for page in reader.pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    return text, fonts


def test_credit_report_pdf_has_chinese_text_and_the_embedded_font(client, world, as_user, two_years):
    ent = as_user("ent_user")
    r = client.get(f"/api/v1/accounts/{two_years}/reports/credit", params={"period": "2024", "format": "pdf"},
                   headers=ent)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-") and b"%%EOF" in r.content[-64:]
    text, fonts = _pdf_text(r.content)
    for words in ("碳信用报告", "重庆示例光伏有限公司", "排放清单", "数据完整度", "逐月排放", "获得绿色金融"):
        assert words in text, words
    # only Noto Sans SC (subset-embedded from the font package; bold synthesised from it), no system CJK font
    assert fonts and all("Noto-Sans-SC" in f for f in fonts), fonts
    html = client.get(f"/api/v1/accounts/{two_years}/reports/credit", params={"period": "2024"}, headers=ent).text
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="chart-months"' in html
    assert "grid_co2:average:500000:2022" in html  # the factor and its source travel into the report
    assert 'id="download-pdf"' in html


def test_reports_are_not_found_for_a_bank_without_consent(client, world, as_user, two_years):
    bank = as_user("a_officer")
    url = f"/api/v1/accounts/{two_years}/reports"
    assert client.get(f"{url}/credit", params={"period": "2024", "format": "pdf"}, headers=bank).status_code == 404
    assert client.get(f"{url}/benefit", params={"baseline": "2023", "post": "2024", "format": "pdf"},
                      headers=bank).status_code == 404
    expires = (date.today() + timedelta(days=30)).isoformat()
    client.post(f"/api/v1/accounts/{two_years}/consents", headers=as_user("ent_user"), json={
        "grantee_org_id": world.bank_a_id, "scope": ["inventory"], "expires_on": expires})
    seen = client.get(f"{url}/credit", params={"period": "2024", "format": "json"}, headers=bank).json()
    assert set(seen["omitted"]) == {"indicators", "rating", "assets"} and "inventory" in seen["summary"]
    # the benefit evaluation needs inventory and indicators
    assert client.get(f"{url}/benefit", params={"baseline": "2023", "post": "2024"}, headers=bank).status_code == 404


def test_benefit_evaluation_numbers_follow_the_stated_method(client, rt, world, as_user, two_years):
    ent = as_user("ent_user")
    url = f"/api/v1/accounts/{two_years}/reports/benefit"
    out = client.get(url, params={"baseline": "2023", "post": "2024", "measure": "空压机变频改造",
                                  "format": "json"}, headers=ent).json()
    with rt.transaction() as s:
        e23 = D(service.view(s, CLI, two_years, "2023")["inventory"]["total_tco2e"])
        e24 = D(service.view(s, CLI, two_years, "2024")["inventory"]["total_tco2e"])
    total = next(x for x in out["scopes"] if x["scope"] == "total_tco2e")
    assert D(total["reduction"]) == round(e23 - e24, 6) and D(total["reduction"]) > 0
    per_output = next(u for u in out["per_unit"] if u["basis"] == "output_value_cny")
    expected = (e23 / D(2000)) * D(2500) - e24  # I_baseline (t/万元) × Q_post (万元) − E_post
    assert abs(D(per_output["avoided_tco2e"]) - expected) < D("0.001")
    assert {u["basis"] for u in out["per_unit"]} == {"output_value_cny", "product_quantity"}
    assert "platform" in out["method"]["en"] and out["measure"] == "空压机变频改造"
    pdf = client.get(url, params={"baseline": "2023", "post": "2024", "measure": "空压机变频改造", "format": "pdf"},
                     headers=ent)
    text, _ = _pdf_text(pdf.content)
    assert "环境效益评估" in text and "空压机变频改造" in text and "避免排放" in text
    bad = client.get(url, params={"baseline": "2023", "post": "2024Q1"}, headers=ent)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["rule"] == "same_period_kind"
    assert client.get(url, params={"baseline": "2024", "post": "2023"}, headers=ent).json()["error"]["details"][0][
        "rule"] == "post_after_baseline"


def test_account_page_shows_tags_and_report_links(client, world, two_years):
    client.post("/login", data={"username": "ent_user", "password": "correct-horse-battery"})
    page = client.get(f"/accounts/{two_years}", params={"period": "2024"})
    assert page.status_code == 200
    assert 'id="profile-tags"' in page.text and 'id="credit-pdf"' in page.text
    assert "电力" in page.text or "4416" in page.text  # industry 4416 (solar power) and its name


@pytest.mark.parametrize("scores, direction", [
    ([], "insufficient"), (["60.0"], "insufficient"), (["60.0", "61.5"], "stable"), (["60.0", "70.0"], "improving"),
    (["70.0", None, "50.0"], "worsening"),
])
def test_rating_trend_compares_the_last_two_rated_years(scores, direction):
    from lvrongtong.accounts.profile import rating_trend

    trend = [{"period": str(2020 + i), "score": s, "colour": None} for i, s in enumerate(scores)]
    assert rating_trend(trend)["direction"] == direction


def test_cli_writes_both_reports(rt, two_years, tmp_path):
    from typer.testing import CliRunner

    from lvrongtong.cli import app

    env = {"LVRONGTONG_DATA_DIR": str(rt.settings.data_dir), "LVRONGTONG_DATABASE_URL": rt.settings.database_url}
    runner = CliRunner()
    pdf = tmp_path / "credit.pdf"
    r = runner.invoke(app, ["account", "report", two_years, "--period", "2024", "-o", str(pdf)], env=env)
    assert r.exit_code == 0, r.output
    assert "碳信用报告" in _pdf_text(pdf.read_bytes())[0]
    html = tmp_path / "benefit.html"
    r = runner.invoke(app, ["account", "report", two_years, "--kind", "benefit", "--baseline", "2023", "--post",
                            "2024", "-o", str(html)], env=env)
    assert r.exit_code == 0, r.output
    assert "<svg" in html.read_text(encoding="utf-8")
    bad = runner.invoke(app, ["account", "report", two_years, "--kind", "benefit", "-o", str(html)], env=env)
    assert bad.exit_code == 2
