"""Build the demo dataset into the database: bulk inserts, one transaction, idempotent."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lvrongtong.audit import service as audit
from lvrongtong.auth.models import User
from lvrongtong.auth.service import hash_password
from lvrongtong.demo import generator
from lvrongtong.demo.models import DemoDataset
from lvrongtong.kit.dataversion import bump
from lvrongtong.kit.errors import AppError
from lvrongtong.kit.principal import SYSTEM
from lvrongtong.reference.models import Industry, Region
from lvrongtong.registry.models import Bond, Enterprise, Instrument, Loan, Organisation, Project

DEFAULT_SEED = 20240808  # the action plan's publication date
CHUNK = 5000

# (username, organisation picker, roles, password)
DEMO_USERS = [
    ("pbc_admin", "regulator", "中国人民银行重庆市分行", ["admin", "reviewer", "operator"]),
    ("nfra_viewer", "regulator", "国家金融监督管理总局重庆监管局", ["viewer"]),
    ("icbc_officer", "bank", "中国工商银行重庆市分行", ["operator", "admin"]),
    ("cqrcb_officer", "bank", "重庆农村商业银行", ["operator"]),
    ("picc_analyst", "insurer", "中国人民财产保险股份有限公司重庆市分公司", ["operator"]),
    ("fund_analyst", "securities_fund", "重庆示例绿色产业投资基金", ["viewer"]),
    ("ndrc_viewer", "government", "重庆市发展和改革委员会", ["viewer"]),
    ("verifier_reviewer", "verifier", "重庆示例绿色认证评估有限公司", ["reviewer", "operator"]),
    ("enterprise_finance", "enterprise", None, ["operator", "admin"]),
]


def demo_logins(session: Session) -> list[dict]:
    row = session.scalar(select(DemoDataset).order_by(DemoDataset.id.desc()).limit(1))
    return list(row.logins) if row else []


def existing(session: Session) -> DemoDataset | None:
    return session.scalar(select(DemoDataset).order_by(DemoDataset.id.desc()).limit(1))


def _insert(session: Session, table, rows: list[dict], progress: Callable[[str, int], None]) -> None:
    columns = {c.name for c in table.columns}
    for start in range(0, len(rows), CHUNK):
        chunk = [{k: v for k, v in r.items() if k in columns} for r in rows[start:start + CHUNK]]
        session.execute(insert(table), chunk)
        progress(table.name, len(chunk))


DEMO_BENEFIT_YEAR = 2024  # the last full year before the demo's "today"; factors fall back as the trace shows


def build(session: Session, seed: int = DEFAULT_SEED, *, enterprises: int = 10_000, loans: int = 100_000,
          projects: int = 4_000, bonds: int = 300,
          progress: Callable[[str, int], None] = lambda name, n: None) -> DemoDataset:
    """Generate and store. Refuses to run on a database that already holds master data."""
    current = existing(session)
    if current is not None:
        return current
    if session.scalar(select(Organisation.id).limit(1)) is not None:
        raise AppError("demo_on_real_data", "数据库中已有非演示数据，不能加载演示数据集",
                       "this database already holds data that is not the demo dataset; refusing to add demo data", 409)
    started = time.perf_counter()
    regions = [(r.code, r.name_zh) for r in session.scalars(select(Region).where(Region.level == "county")
                                                            .order_by(Region.code))]
    classes = [generator.IndustryInfo(i.code, i.name_zh, i.code[:2])
               for i in session.scalars(select(Industry).where(Industry.level == "class"))]
    if not regions or not classes:
        raise AppError("reference_missing", "参考数据未加载，请先运行 lvrongtong db upgrade",
                       "reference data is missing; run `lvrongtong db upgrade` first", 409)
    data = generator.generate(seed, regions, classes, enterprises=enterprises, loans=loans, projects=projects,
                              bonds=bonds)
    progress("generate", 0)
    _insert(session, Organisation.__table__, data.organisations, progress)
    # the demo enterprise user belongs to an organisation that *is* an enterprise with loans
    borrower_ids = {loan["counterparty_enterprise_id"] for loan in data.loans}
    candidates = [e for e in data.enterprises if e["id"] in borrower_ids and e["size_class"] == "medium"]
    demo_ent = next((e for e in candidates if e["division"] == "44"), candidates[0])
    ent_org = {"id": len(data.organisations) + 1, "type": "enterprise", "subtype": "demo", "name": demo_ent["name"],
               "uscc": demo_ent["uscc"], "region_code": demo_ent["region_code"]}
    _insert(session, Organisation.__table__, [ent_org], progress)
    _insert(session, Enterprise.__table__, data.enterprises, progress)
    _insert(session, Project.__table__, data.projects, progress)
    _insert(session, Instrument.__table__, [{**r, "kind": "loan"} for r in data.loans], progress)
    _insert(session, Loan.__table__, data.loans, progress)
    offset = len(data.loans)
    bond_rows = [{**b, "id": b["id"] + offset, "kind": "bond"} for b in data.bonds]
    _insert(session, Instrument.__table__, bond_rows, progress)
    _insert(session, Bond.__table__, bond_rows, progress)
    _fix_sequences(session)
    bump(session, "registry")  # bulk inserts bypass the ORM's change tracking
    logins = _users(session, data.organisations + [ent_org])
    from lvrongtong.carbon.benefits import compute_book
    from lvrongtong.carbon.models import CounterpartyYear

    now = datetime.now(UTC)
    counterparty = [{**r, "updated_at": now} for r in generator.counterparty_years(seed, data.enterprises,
                                                                                   DEMO_BENEFIT_YEAR)]
    _insert(session, CounterpartyYear.__table__, counterparty, progress)

    benefit = compute_book(session, SYSTEM, DEMO_BENEFIT_YEAR)
    progress("benefits", 0)
    from lvrongtong.accounts.demo import build as build_accounts

    carbon_accounts = build_accounts(session, seed, data.enterprises, demo_ent["uscc"])
    progress("carbon_accounts", 0)
    counts = {"organisations": len(data.organisations) + 1, "enterprises": len(data.enterprises),
              "projects": len(data.projects), "loans": len(data.loans), "bonds": len(data.bonds),
              f"benefit_claims_{DEMO_BENEFIT_YEAR}": benefit.accepted + benefit.flagged,
              f"counterparty_data_{DEMO_BENEFIT_YEAR}": len(counterparty),
              **carbon_accounts,
              "seconds": round(time.perf_counter() - started, 1)}
    row = DemoDataset(version=generator.VERSION, seed=seed, counts=counts, logins=logins, built_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    audit.record(session, SYSTEM, "demo.build", "demo_dataset", row.id, None,
                 {"version": generator.VERSION, "seed": seed, **{k: v for k, v in counts.items() if k != "seconds"}})
    return row


def _users(session: Session, orgs: list[dict]) -> list[dict]:
    logins = []
    for username, org_type, org_name, roles in DEMO_USERS:
        org = next(o for o in orgs if o["type"] == org_type and (org_name is None or o["name"] == org_name))
        password = f"demo-{username.replace('_', '-')}"
        session.add(User(username=username, display_name=f"{org['name']}（演示）", organisation_id=org["id"],
                         roles=roles, password_hash=hash_password(password)))
        logins.append({"username": username, "password": password, "org_type": org_type, "organisation": org["name"],
                       "roles": roles})
    session.flush()
    return logins


def _fix_sequences(session: Session) -> None:
    """Explicit ids were inserted: move PostgreSQL sequences past them (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for table in ("organisation", "enterprise", "project", "instrument"):
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"COALESCE((SELECT MAX(id) FROM {table}), 1))"))
