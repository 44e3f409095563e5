"""Carbon pages: method list, factor library with filters and export, calculator form with steps and factors."""

import io

import openpyxl


def login(client, username):
    r = client.post("/login", data={"username": username, "password": "correct-horse-battery"})
    assert r.status_code in (200, 303)


def test_calculator_shows_steps_factors_and_errors(client, world):
    login(client, "a_officer")
    home = client.get("/carbon").text
    assert "inventory.scope2.electricity" in home and "PCAF" in home
    form = client.get("/carbon/calc/inventory.scope2.electricity").text
    assert 'name="electricity"' in form and 'name="electricity__unit"' in form
    r = client.post("/carbon/calc/inventory.scope2.electricity",
                    data={"electricity": "1", "electricity__unit": "GWh", "region": "500112", "year": "2022",
                          "calibre": "average"})
    assert r.status_code == 200
    assert "522.7" in r.text and "grid_co2:average:500000:2022" in r.text  # 1 000 MWh × 0.5227
    bad = client.post("/carbon/calc/inventory.scope2.electricity",
                      data={"electricity": "-3", "electricity__unit": "MWh", "year": "2022"})
    assert bad.status_code == 422 and "electricity" in bad.text and 'aria-invalid=true' in bad.text


def test_store_from_the_form_then_open_the_run(client, world):
    login(client, "a_officer")
    r = client.post("/carbon/calc/benefit.loan_share", data={
        "loan_balance": "8000000", "loan_balance__unit": "CNY", "project_investment": "3200", "project_investment__unit": "万CNY",
        "co2_reduced": "6000", "co2_reduced__unit": "tCO2", "store": "1"})
    assert r.status_code == 200 and "1500" in r.text  # 8 000 000 ÷ 32 000 000 = 0.25; 6 000 × 0.25
    home = client.get("/carbon").text
    run_link = home.split('href="/carbon/runs/')[1].split('"')[0]
    assert "0.25" in client.get(f"/carbon/runs/{run_link}").text
    client.post("/logout")
    login(client, "b_officer")
    assert client.get(f"/carbon/runs/{run_link}").status_code == 404


def test_factor_library_filter_and_export(client, world):
    login(client, "reg_admin")
    page = client.get("/carbon/factors", params={"q": "500000"}).text
    assert "0.5227" in page and "0.4743" in page
    x = client.get("/carbon/factors.xlsx", params={"verification": "unverified"})
    rows = list(openpyxl.load_workbook(io.BytesIO(x.content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert rows[1:] and {r[header.index("verification")] for r in rows[1:]} == {"unverified"}


def test_footprint_form_takes_json_and_names_a_cycle(client, world):
    login(client, "a_officer")
    form = client.get("/carbon/calc/footprint.product").text
    assert "<textarea" in form and "inverter" in form
    cyc = '{"product": "A", "items": [{"id": "A", "components": [{"id": "B", "quantity": 1}]}, {"id": "B", "components": [{"id": "A", "quantity": 1}]}]}'
    r = client.post("/carbon/calc/footprint.product", data={"graph": cyc})
    assert r.status_code == 422 and "A → B → A" in r.text
    ok = client.post("/carbon/calc/footprint.product", data={"graph": '{"product": "A", "items": [{"id": "A", "direct_kgco2e": 2}]}'})
    assert ok.status_code == 200 and "kgCO2e" in ok.text
