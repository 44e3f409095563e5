"""End to end in headless Chromium: demo data → server → login → dashboard charts render.

Saves the README screenshots (docs/img/dashboard.png, docs/img/dashboard-phone.png).
Needs Debian's ``chromium`` (scripts/test.sh installs it); fails, never skips, without it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LVRONGTONG_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-data")
    exe = [sys.executable, "-m", "lvrongtong"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LVRONGTONG_")}
    # a realistic but quicker demo for the screenshot; the full-size demo is measured in bench/
    subprocess.run([*exe, "demo", "--data-dir", str(data), "--loans", "30000", "--enterprises", "5000"],
                   check=True, env=env, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen([*exe, "serve", "--data-dir", str(data), "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if urllib.request.urlopen(f"{base}/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError(proc.stdout.read().decode())
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM) or Path(CHROMIUM).exists(), f"{CHROMIUM} missing: apt-get install chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


def _login(page, base, username="pbc_admin", password="demo-pbc-admin"):
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_login_dashboard_charts_render(server, browser):
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    _login(page, server)
    for chart in ("chart-district", "chart-section", "chart-month"):
        page.wait_for_selector(f"#{chart}[data-rendered='1'] svg", timeout=15000)
        assert page.locator(f"#{chart} svg path").count() > 5, chart
    assert int(page.inner_text("#kpi-loans").replace(",", "")) == 30000
    (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(1500)  # let the bar/line animations finish before the README screenshot
    page.screenshot(path=str(ROOT / "docs" / "img" / "dashboard.png"), full_page=True)
    page.close()


def test_phone_width_and_english(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    _login(page, server, "icbc_officer", "demo-icbc-officer")
    page.wait_for_selector("#chart-month[data-rendered='1'] svg")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ROOT / "docs" / "img" / "dashboard-phone.png"), full_page=False)
    page.goto(f"{server}/lang/en?next=/loans")
    assert page.locator("h1").inner_text() == "Loans"
    page.fill("input[name=q]", "水电")
    page.click("form.filters button[type=submit]")
    page.wait_for_timeout(500)
    rows = page.locator("#results table tr").count()
    assert rows >= 2
    page.close()


def test_catalogue_tree_search_and_item(server, browser):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    _login(page, server, "ndrc_viewer", "demo-ndrc-viewer")
    page.goto(f"{server}/reference/catalogues")
    page.click("text=2025")
    page.fill("input[name=q]", "氢能")
    page.click("form.filters button[type=submit]")
    page.click("text=氢能“制储输用”全链条装备制造")
    assert page.locator("h1").inner_text().startswith("4.1.9")
    assert page.locator("dd code").count() >= 13  # the GB/T 4754 classes it lists
    page.screenshot(path=str(ROOT / "docs" / "img" / "catalogue-item.png"), full_page=True)
    page.close()


def test_carbon_calculator_and_financed_emissions(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(page, server, "icbc_officer", "demo-icbc-officer")
    page.goto(f"{server}/carbon")
    page.click("text=范围二：外购电力排放（基于位置）")
    page.fill("input[name=electricity]", "2")
    page.fill("input[name=electricity__unit]", "GWh")
    page.fill("input[name=region]", "500112")
    page.fill("input[name=year]", "2022")
    page.click("form.box button")
    page.wait_for_selector("#result")
    assert "1045.4" in page.inner_text("#result")  # 2 000 MWh × 0.5227 (Chongqing 2022)
    assert page.locator("text=grid_co2:average:500000:2022").count() >= 1
    page.goto(f"{server}/carbon/financed?year=2024")
    page.wait_for_selector("#chart-division[data-rendered='1'] svg", timeout=15000)
    assert page.locator("#chart-division svg path").count() > 3
    page.wait_for_timeout(1500)  # let the bars finish growing before the screenshot
    page.screenshot(path=str(ROOT / "docs" / "img" / "financed-emissions.png"), full_page=False)
    page.close()


def test_statistics_dashboard_and_a_rejected_upload(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    _login(page, server)
    page.goto(f"{server}/statistics")
    page.wait_for_selector("#chart-trend[data-rendered='1'] svg", timeout=15000)
    assert page.locator("#chart-trend svg path").count() > 3
    assert page.locator("#chart-treemap svg").count() == 1 and page.locator("#ranking tr").count() > 5
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ROOT / "docs" / "img" / "statistics.png"), full_page=False)
    page.close()
    bank = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(bank, server, "icbc_officer", "demo-icbc-officer")
    bank.goto(f"{server}/reporting")
    upload = tmp_path / "report.csv"
    upload.write_text("贷款编号,借款人统一社会信用代码,借款人名称,企业规模,行业代码,地区代码,合同金额,贷款余额,执行利率,审批日期,发放日期,到期日期,是否绿色贷款\n"
                      "T-1,915001000000000000,测试企业,中型,4416,500112,100.00,80.00,3.1,2024-03-05,2024-03-10,2029-03-10,否\n",
                      encoding="gbk")
    bank.fill("input[name=period]", "2026-10")
    bank.set_input_files("input[name=file]", str(upload))
    bank.click("#submit-form button[type=submit]")
    bank.wait_for_selector("#status")
    assert "/reporting/submissions/" in bank.url
    assert "DRR-003" in bank.inner_text("#findings")  # the USCC check character, named with its row
    bank.screenshot(path=str(ROOT / "docs" / "img" / "reporting-receipt.png"), full_page=False)
    bank.close()
