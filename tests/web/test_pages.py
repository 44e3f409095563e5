"""Server-rendered pages: login, role-aware navigation, lists with filters, language switch, errors."""

from tests.conftest import PASSWORD


def _login(client, username):
    r = client.post("/login", data={"username": username, "password": PASSWORD, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r


def test_pages_need_login(client, world):
    r = client.get("/loans", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_wrong_password_is_refused(client, world):
    r = client.post("/login", data={"username": "a_officer", "password": "nope"})
    assert r.status_code == 401 and "用户名或密码错误" in r.text


def test_every_list_page_renders(client, world):
    _login(client, "reg_admin")
    for path in ("/", "/organisations", "/enterprises", "/projects", "/loans", "/bonds", "/reference", "/audit",
                 f"/loans/{world.loan_a_id}", f"/enterprises/{world.ent_uscc}", f"/projects/{world.project_code}",
                 "/identification", "/portal"):
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:300])
    assert "甲银行重庆分行" in client.get("/loans").text


def test_filters_and_htmx_partial(client, world):
    _login(client, "reg_admin")
    full = client.get("/loans", params={"declared_green": "true"})
    assert "A-0001" in full.text and "B-0001" not in full.text
    partial = client.get("/loans", params={"q": "B-0001"}, headers={"HX-Request": "true", "HX-Target": "results"})
    assert "B-0001" in partial.text and "<html" not in partial.text


def test_navigation_is_role_aware(client, world):
    _login(client, "gov_viewer")
    home = client.get("/").text
    assert 'href="/loans"' not in home and 'href="/statistics"' in home
    assert client.get("/audit").status_code == 403


def test_language_switch(client, world):
    _login(client, "reg_admin")
    client.get("/lang/en?next=/loans")
    assert "Loans" in client.get("/loans").text
    client.get("/lang/zh?next=/loans")
    assert "贷款" in client.get("/loans").text


def test_regulator_can_verify_chain_in_ui(client, world):
    _login(client, "reg_admin")
    assert "哈希链完整" in client.get("/audit?verify=1").text


def test_openapi_lists_routes(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/v1/loans", "/api/v1/enterprises", "/api/v1/projects", "/api/v1/organisations",
                 "/api/v1/auth/token", "/api/v1/imports/{entity}", "/api/v1/audit/verify", "/health"):
        assert path in spec["paths"], path


def test_health(client):
    assert client.get("/health").json()["status"] == "ok"


def test_every_list_exports_to_excel(client, world):
    import io

    import openpyxl

    _login(client, "reg_admin")
    for entity, expected_rows in (("organisations", 5), ("enterprises", 2), ("projects", 1), ("loans", 2),
                                  ("bonds", 0), ("audit", None)):
        r = client.get(f"/export/{entity}.xlsx")
        assert r.status_code == 200, entity
        ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
        if expected_rows is not None:
            assert ws.max_row - 1 == expected_rows, entity
        else:
            assert ws.max_row > 10
