"""Test fixtures: real SQLite and real PostgreSQL databases built by the migrations.

Each database-backed test runs once per backend in ``LVRONGTONG_TEST_DATABASES``
(default ``sqlite,postgresql``). PostgreSQL tests use a fresh database created for the run
on ``LVRONGTONG_TEST_PG`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``),
dropped at the end. Between tests every non-reference table is emptied.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lvrongtong.app import create_app
from lvrongtong.auth import service as auth
from lvrongtong.kit.models import metadata
from lvrongtong.kit.principal import CLI
from lvrongtong.kit.runtime import Runtime
from lvrongtong.kit.settings import Settings
from lvrongtong.reference.uscc import make_uscc
from lvrongtong.registry import instruments, service
from lvrongtong.registry.schemas import EnterpriseCreate, LoanCreate, OrganisationCreate, ProjectCreate

BACKENDS = [b.strip() for b in os.environ.get("LVRONGTONG_TEST_DATABASES", "sqlite,postgresql").split(",") if b]
PG_ADMIN_URL = os.environ.get("LVRONGTONG_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REFERENCE_TABLES = {"region", "industry", "reference_dataset", "alembic_version", "emission_factor", "grid_region"}


def _create_pg_database() -> tuple[str, str]:
    name = f"lvrongtong_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def runtime(request, tmp_path_factory) -> Runtime:
    backend = request.param
    data_dir = tmp_path_factory.mktemp(f"data-{backend}")
    pg_name = None
    if backend == "sqlite":
        url = f"sqlite:///{data_dir / 'test.sqlite3'}"
    elif backend == "postgresql":
        pg_name, url = _create_pg_database()
    else:
        raise ValueError(f"unknown backend {backend}")
    rt = Runtime.from_settings(Settings(data_dir=data_dir, database_url=url, secret_key="test-secret"))
    rt.upgrade()
    yield rt
    rt.engine.dispose()
    if pg_name:
        _drop_pg_database(pg_name)


def _wipe(rt: Runtime) -> None:
    tables = [t for t in reversed(metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with rt.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(t.delete())
        conn.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": "0" * 64})
    from lvrongtong.reference.catalogues import sync_shipped

    with rt.transaction() as session:  # shipped catalogues are reference data: put them back
        sync_shipped(session)


@pytest.fixture
def rt(runtime) -> Runtime:
    _wipe(runtime)
    yield runtime


@pytest.fixture
def app(rt):
    return create_app(rt)


@pytest.fixture
def client(app) -> TestClient:
    with TestClient(app) as c:
        yield c


def uscc(region: str, body: str) -> str:
    return make_uscc("9", "1", region, body)


@dataclass
class World:
    regulator_id: int
    bank_a_id: int
    bank_b_id: int
    gov_id: int
    enterprise_org_id: int
    ent_uscc: str
    other_uscc: str
    loan_a_id: int
    loan_b_id: int
    project_code: str


PASSWORD = "correct-horse-battery"


def build_world(rt: Runtime) -> World:
    with rt.transaction() as s:
        def org(type_, name, body, region="500103"):
            return service.create_organisation(s, CLI, OrganisationCreate(
                type=type_, name=name, uscc=uscc(region, body), region_code=region)).id

        reg = org("regulator", "示例监管机构", "REG00001")
        bank_a = org("bank", "甲银行重庆分行", "BANKA001")
        bank_b = org("bank", "乙银行重庆分行", "BANKB001")
        gov = org("government", "示例发改委", "GAB00001")
        ent_uscc = uscc("500112", "ENT00001")
        other_uscc = uscc("500106", "ENT00002")
        ent_org = service.create_organisation(s, CLI, OrganisationCreate(
            type="enterprise", name="重庆示例光伏有限公司", uscc=ent_uscc, region_code="500112")).id
        service.create_enterprise(s, CLI, EnterpriseCreate(uscc=ent_uscc, name="重庆示例光伏有限公司",
                                                           region_code="500112", industry_code="4416",
                                                           size_class="medium"))
        service.create_enterprise(s, CLI, EnterpriseCreate(uscc=other_uscc, name="重庆示例汽配有限公司",
                                                           region_code="500106", industry_code="3670",
                                                           size_class="small"))
        project = service.create_project(s, CLI, ProjectCreate(
            name="渝北区8MW分布式光伏项目", enterprise_uscc=ent_uscc, region_code="500112", industry_code="4416",
            total_investment_cny=Decimal("32000000"), capacity={"installed_capacity_mw": Decimal(8)},
            description_zh="利用厂房屋顶建设8MW分布式光伏。", approved_on=date(2024, 3, 1)))
        loan_a = instruments.create_loan(s, CLI, LoanCreate(
            contract_no="A-0001", borrower_uscc=ent_uscc, lender_org_id=bank_a, project_code=project.code,
            amount_cny=Decimal("10000000"), balance_cny=Decimal("8000000"), rate_pct=Decimal("3.1"),
            approved_on=date(2024, 3, 5), disbursed_on=date(2024, 3, 10), matures_on=date(2029, 3, 10),
            declared_green=True)).id
        loan_b = instruments.create_loan(s, CLI, LoanCreate(
            contract_no="B-0001", borrower_uscc=other_uscc, lender_org_id=bank_b,
            amount_cny=Decimal("2000000"), balance_cny=Decimal("2000000"), rate_pct=Decimal("3.9"),
            approved_on=date(2025, 1, 5), matures_on=date(2026, 1, 5))).id
        for username, org_id, roles in [("reg_admin", reg, ["admin"]), ("a_officer", bank_a, ["operator"]),
                                        ("a_admin", bank_a, ["admin"]), ("b_officer", bank_b, ["operator"]),
                                        ("b_viewer", bank_b, ["viewer"]), ("gov_viewer", gov, ["viewer"]),
                                        ("ent_user", ent_org, ["operator"])]:
            auth.create_user(s, CLI, username, PASSWORD, org_id, roles)
    return World(reg, bank_a, bank_b, gov, ent_org, ent_uscc, other_uscc, loan_a, loan_b, project.code)


@pytest.fixture
def world(rt) -> World:
    return build_world(rt)


def token(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def as_user(client):
    return lambda username: token(client, username)


ROOT = Path(__file__).resolve().parent.parent
