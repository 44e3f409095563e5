"""End to end in headless Chromium: the enterprise login opens its carbon account, the charts render,
the profile tags and assets show, and the carbon credit report downloads as a PDF with Chinese text."""

from __future__ import annotations

import io

import pytest

from tests.browser.test_dashboard import _login, browser, server  # noqa: F401 - module-scoped fixtures

pytestmark = pytest.mark.browser


def test_enterprise_opens_its_account_and_downloads_the_credit_report(server, browser):  # noqa: F811
    import pypdf

    page = browser.new_page(viewport={"width": 1360, "height": 900}, accept_downloads=True)
    _login(page, server, "enterprise_finance", "demo-enterprise-finance")
    page.goto(f"{server}/accounts?period=2025")
    page.click("table a[href^='/accounts/']")
    page.wait_for_selector("#chart-months[data-rendered='1'] svg", timeout=15000)
    page.wait_for_selector("#chart-trend[data-rendered='1'] svg", timeout=15000)
    assert page.locator("#profile-tags li").count() >= 4
    assert page.locator("#scope3 tr").count() >= 3  # demo suppliers: two shared, two not
    with page.expect_download(timeout=60000) as got:
        page.click("#credit-pdf")
    content = open(got.value.path(), "rb").read()
    assert content.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "碳信用报告" in text and "演示数据" in text and "碳资产" in text
    page.click("#account-links a")  # the carbon asset report
    page.wait_for_selector("#asset-report")
    assert "CEA-2023-2024" in page.inner_text("#asset-report")
    page.close()
