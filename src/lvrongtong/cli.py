"""Command line: ``lvrongtong serve | demo | db | import | export | users | audit | check``."""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lvrongtong.kit.runtime import Runtime
from lvrongtong.kit.settings import load_settings

app = typer.Typer(help="绿融通 lvrongtong — green-finance platform. 每个命令都接受 --data-dir / LVRONGTONG_DATA_DIR.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema: migrate and inspect. 数据库结构升级。", no_args_is_help=True)
users_app = typer.Typer(help="Users and API keys. 用户与密钥。", no_args_is_help=True)
audit_app = typer.Typer(help="Audit trail. 审计日志。", no_args_is_help=True)
check_app = typer.Typer(help="Check codes. 代码校验。", no_args_is_help=True)
taxonomy_app = typer.Typer(help="Green / transition catalogues: list, show, diff, crosswalk, import. 绿色目录。",
                           no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(check_app, name="check")
app.add_typer(taxonomy_app, name="taxonomy")
console = Console()
err = Console(stderr=True)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="data directory (default ./data or "
                                                                   "$LVRONGTONG_DATA_DIR)")]
DbUrl = Annotated[str | None, typer.Option("--database-url", help="SQLAlchemy URL, e.g. "
                                                                   "postgresql+psycopg://postgres@127.0.0.1/lvrongtong")]


def _runtime(data_dir: Path | None, database_url: str | None, check_schema: bool = True) -> Runtime:
    """The runtime for a command; unless the command migrates itself, a database that is empty or
    behind this version's schema ends the command with a clear message, not a traceback."""
    rt = Runtime.from_settings(load_settings(data_dir=data_dir, database_url=database_url))
    if check_schema:
        from lvrongtong.kit.migrate import SchemaNotCurrent, require_current

        try:
            require_current(rt.engine)
        except SchemaNotCurrent as exc:
            err.print(f"[red]{exc}[/red]\n(data dir: {rt.settings.data_dir}; `lvrongtong demo` builds a demo "
                      f"database there)")
            raise typer.Exit(2) from None
    return rt


def _principal(rt: Runtime, as_user: str | None):
    from lvrongtong.kit.principal import CLI

    if not as_user:
        return CLI
    from sqlalchemy import select

    from lvrongtong.auth.models import User
    from lvrongtong.auth.service import principal_for_user

    with rt.transaction() as session:
        user = session.scalar(select(User).where(User.username == as_user))
        if user is None:
            err.print(f"[red]用户不存在 / no such user: {as_user}[/red]")
            raise typer.Exit(2)
        return principal_for_user(session, user)


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDir = None, database_url: DbUrl = None):
    """Migrate the schema to the latest version and load changed reference data (idempotent)."""
    rt = _runtime(data_dir, database_url, check_schema=False)
    loaded = rt.upgrade()
    from lvrongtong.kit.migrate import current_revision

    console.print(f"schema at revision [bold]{current_revision(rt.engine)}[/bold]; reference data loaded: "
                  f"{loaded or 'unchanged'}")


@db_app.command("current")
def db_current(data_dir: DataDir = None, database_url: DbUrl = None):
    """Show the schema revision of the database and the revision this version needs."""
    from lvrongtong.kit.migrate import current_revision, head_revision

    rt = _runtime(data_dir, database_url, check_schema=False)
    console.print(f"database: {current_revision(rt.engine)}  ·  needed: {head_revision()}")


@app.command()
def demo(data_dir: DataDir = None, database_url: DbUrl = None,
         seed: Annotated[int, typer.Option(help="random seed (same seed → same data)")] = 20240808,
         enterprises: int = 10_000, loans: int = 100_000, projects: int = 4_000, bonds: int = 300):
    """Build the synthetic Chongqing demo dataset (38 districts/counties, 40+ institutions, 10k enterprises,
    100k loans, demo users). Migrates first; running it again changes nothing."""
    from rich.progress import BarColumn, Progress, TextColumn

    from lvrongtong.demo import service as demo_service

    rt = _runtime(data_dir, database_url, check_schema=False)
    rt.upgrade()
    total = 1 + enterprises + projects + 2 * loans + 2 * bonds + 60
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                  console=console, transient=True) as bar:
        task = bar.add_task("demo", total=total)

        def progress(name: str, n: int) -> None:
            bar.update(task, advance=n or 1, description=f"写入 / writing {name}")

        with rt.transaction() as session:
            row = demo_service.build(session, seed, enterprises=enterprises, loans=loans, projects=projects,
                                     bonds=bonds, progress=progress)
        from lvrongtong.reporting.demo import build as build_reports

        reports = build_reports(rt.sessions, rt.settings, progress)  # each submission is its own transaction
    console.print(f"demo dataset {row.version} (seed {row.seed}): {row.counts}")
    if reports:
        console.print(f"demo reports (DRR): {reports}")
    _print_logins(row.logins)


def _print_logins(logins: list[dict]) -> None:
    if not logins:
        return
    console.print("演示账号 / demo logins (username / password — role — organisation):")
    for login in logins:
        console.print(f"  {login['username']} / {login['password']}  —  {login['org_type']}  —  "
                      f"{login['organisation']}", soft_wrap=True)


@app.command()
def serve(data_dir: DataDir = None, database_url: DbUrl = None, host: str = "127.0.0.1", port: int = 8000,
          workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1):
    """Run the web server (pages and /api/v1). Refuses to start on an unmigrated database."""
    import uvicorn

    from lvrongtong.kit.migrate import SchemaNotCurrent, require_current

    settings = load_settings(data_dir=data_dir, database_url=database_url)
    rt = Runtime.from_settings(settings)
    try:
        require_current(rt.engine)
    except SchemaNotCurrent as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(3) from None
    from lvrongtong.demo.service import demo_logins

    with rt.transaction() as session:
        logins = demo_logins(session)
    _print_logins(logins)
    console.print(f"lvrongtong on http://{host}:{port}  (API docs: /api/docs, OpenAPI: /openapi.json)")
    os.environ["LVRONGTONG_DATA_DIR"] = str(settings.data_dir)
    if database_url:
        os.environ["LVRONGTONG_DATABASE_URL"] = database_url
    settings.resolved_secret_key()  # create once, before workers race for it
    uvicorn.run("lvrongtong.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False)


@app.command("import")
def import_(entity: Annotated[str, typer.Argument(help="enterprises | projects | loans")],
            file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=".csv or .xlsx")],
            data_dir: DataDir = None, database_url: DbUrl = None,
            as_user: Annotated[str | None, typer.Option(help="act as this user (scope and audit)")] = None,
            report: Annotated[Path | None, typer.Option(help="write the row-level report (.xlsx or .json)")] = None,
            dry_run: Annotated[bool, typer.Option(help="validate only; store nothing")] = False):
    """Import a file; valid rows are stored, invalid rows are reported (row, field, rule, message).
    Exit code 0 when every row was accepted, 1 when some were refused, 2 when the file was refused."""
    from lvrongtong.kit.errors import AppError
    from lvrongtong.registry import importing

    rt = _runtime(data_dir, database_url)
    who = _principal(rt, as_user)
    content = file.read_bytes()
    session = rt.sessions()
    try:
        result = importing.run_import(session, who, entity, file.name, content)
        session.rollback() if dry_run else session.commit()
    except AppError as exc:
        session.rollback()
        err.print(f"[red]{exc.message_zh}\n{exc.message_en}[/red]")
        for d in exc.details:
            err.print(f"  {d.field} · {d.rule}: {d.message_zh} / {d.message_en}")
        raise typer.Exit(2) from None
    finally:
        session.close()
    console.print(f"{entity}: {result.rows_accepted} accepted / 已导入, {result.rows_rejected} rejected / 被拒绝, "
                  f"of {result.rows_total}{' (dry run: nothing stored)' if dry_run else ''}")
    for p in result.problems[:50]:
        console.print(f"  row {p['row']} · {p['field']} · {p['rule']}: {p['message_zh']}")
    if len(result.problems) > 50:
        console.print(f"  … {len(result.problems) - 50} more")
    if report:
        if report.suffix == ".json":
            report.write_text(json.dumps(result.problems, ensure_ascii=False, indent=1))
        else:
            report.write_bytes(importing.report_xlsx(result.problems))
    raise typer.Exit(0 if result.rows_rejected == 0 else 1)


@app.command()
def export(entity: Annotated[str, typer.Argument(help="loans | enterprises | projects | organisations")],
           output: Annotated[Path, typer.Option("--output", "-o", help="target .xlsx file")],
           data_dir: DataDir = None, database_url: DbUrl = None,
           as_user: Annotated[str | None, typer.Option(help="export what this user can see")] = None):
    """Export a list to Excel (.xlsx)."""
    from lvrongtong.registry import exporting

    rt = _runtime(data_dir, database_url)
    who = _principal(rt, as_user)
    with rt.transaction() as session:
        output.write_bytes(exporting.export_xlsx(session, who, entity))
    console.print(f"wrote {output}")


@users_app.command("create")
def users_create(username: str,
                 organisation_id: Annotated[int, typer.Option("--org-id", help="organisation id")],
                 role: Annotated[list[str], typer.Option("--role", help="viewer / operator / reviewer / admin")],
                 password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
                 display_name: str = "", data_dir: DataDir = None, database_url: DbUrl = None):
    """Create a user in an organisation with the given roles (password hashed with Argon2id)."""
    from lvrongtong.auth import service as auth
    from lvrongtong.kit.errors import AppError
    from lvrongtong.kit.principal import CLI

    rt = _runtime(data_dir, database_url)
    try:
        with rt.transaction() as session:
            user = auth.create_user(session, CLI, username, password, organisation_id, role, display_name)
    except AppError as exc:
        err.print(f"[red]{exc.message_zh} / {exc.message_en}[/red]")
        raise typer.Exit(2) from None
    console.print(f"created user {user.username} (id {user.id}) roles={user.roles}")


@users_app.command("api-key")
def users_api_key(organisation_id: Annotated[int, typer.Option("--org-id")], name: str,
                  role: Annotated[list[str], typer.Option("--role")] = ["viewer"],  # noqa: B006
                  data_dir: DataDir = None, database_url: DbUrl = None):
    """Create an API key for an organisation (printed once)."""
    from lvrongtong.auth import service as auth
    from lvrongtong.kit.principal import CLI

    rt = _runtime(data_dir, database_url)
    with rt.transaction() as session:
        secret, key = auth.create_api_key(session, CLI, organisation_id, name, role)
    console.print(f"API key {key.prefix}… for organisation {organisation_id}: {secret}")


@audit_app.command("verify")
def audit_verify(data_dir: DataDir = None, database_url: DbUrl = None):
    """Check the hash chain; name every edited entry and every gap of deleted ones. Exit 1 if broken."""
    from lvrongtong.audit import service as audit

    rt = _runtime(data_dir, database_url)
    with rt.transaction() as session:
        report = audit.verify(session)
    if report.ok:
        console.print(f"[green]OK[/green]: {report.entries_checked} entries, chain intact / 哈希链完整")
        return
    for p in report.problems:
        console.print(f"[red]entry {p.seq}: {p.problem}[/red] — {p.detail}")
    console.print(f"[red]FAILED[/red]: {len(report.problems)} problem(s) in {report.entries_checked} entries")
    raise typer.Exit(1)


@check_app.command("uscc")
def check_uscc(code: str):
    """Check a unified social credit code (GB 32100-2015): length, character set, check character."""
    from lvrongtong.reference.uscc import validate_uscc

    result = validate_uscc(code)
    if result.valid:
        console.print(f"{result.code}: valid / 有效 (region {result.region_code})")
        for n in result.notes:
            console.print(f"  note: {n.message_en} / {n.message_zh}")
        return
    for p in result.problems:
        console.print(f"{result.code}: invalid / 无效 — {p.rule}: {p.message_en} / {p.message_zh}")
    raise typer.Exit(1)


@contextmanager
def _reported(rt: Runtime, exit_code: int = 2, context: str = ""):
    """A transaction whose AppError is printed (zh / en, with every detail) and ends the command."""
    from lvrongtong.kit.errors import AppError

    try:
        with rt.transaction() as session:
            yield session
    except AppError as exc:
        err.print(f"[red]{exc.message_zh} / {exc.message_en}{': ' + context if context else ''}[/red]")
        for d in exc.details:
            err.print(f"  {d.field} · {d.rule}: {d.message_zh} / {d.message_en}")
        raise typer.Exit(exit_code) from None


def _item_dict(item, full: bool = False) -> dict:
    out = {"code": item.code, "name": item.name_zh, "parent": item.parent_code, "level": item.level,
           "source": item.source, "verification": item.verification}
    if full:
        out.update(name_en=item.name_en, scope=item.scope_zh, remarks=item.remarks_zh,
                   industry_classes=item.industry_classes, ghg_contribution=item.ghg_contribution, note=item.note,
                   catalogue=item.version)
    return out


def _echo_json(value) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=1))


@taxonomy_app.command("list")
def taxonomy_list(version: Annotated[str, typer.Option("--version", help="2025 | 2024 | 2021 | 2019 | …")] = "2025",
                  level: Annotated[int | None, typer.Option(help="only this level")] = None,
                  parent: Annotated[str | None, typer.Option(help="only children of this code")] = None,
                  search: Annotated[str | None, typer.Option("--search", help="name / scope contains")] = None,
                  as_json: Annotated[bool, typer.Option("--json")] = False,
                  data_dir: DataDir = None, database_url: DbUrl = None):
    """List catalogue items (code, name, parent, level, source, verification)."""
    from lvrongtong.reference import catalogues

    with _reported(_runtime(data_dir, database_url), 2, version) as session:
        items = [_item_dict(i) for i in catalogues.list_items(session, version, level=level, parent=parent, q=search)]
    if as_json:
        _echo_json(items)
        return
    for i in items:
        console.print(f"{'  ' * (i['level'] - 1)}{i['code']}  {i['name']}  [dim]({i['verification']})[/dim]")


@taxonomy_app.command("show")
def taxonomy_show(code: str, version: Annotated[str, typer.Option("--version")] = "2025",
                  as_json: Annotated[bool, typer.Option("--json")] = False,
                  data_dir: DataDir = None, database_url: DbUrl = None):
    """One item with its scope text, industry classes, source and verification, its parents and children."""
    from lvrongtong.reference import catalogues

    with _reported(_runtime(data_dir, database_url), 2, f"{version} {code}") as session:
        item, chain, children = catalogues.get_item(session, version, code)
        out = _item_dict(item, full=True)
        out["path"] = [{"code": c.code, "name": c.name_zh} for c in chain]
        out["children"] = [{"code": c.code, "name": c.name_zh} for c in children]
    if as_json:
        _echo_json(out)
        return
    console.print(f"[bold]{out['code']} {out['name']}[/bold]  ({version}, {out['verification']})")
    console.print(" > ".join(f"{c['code']} {c['name']}" for c in out["path"]))
    if out["scope"]:
        console.print(out["scope"], soft_wrap=True)
    for cls in out["industry_classes"]:
        console.print(f"  GB/T 4754 {cls['code']} {cls.get('name_zh', '')}")
    console.print(f"source: {out['source']}", soft_wrap=True)


@taxonomy_app.command("diff")
def taxonomy_diff(old: str, new: str, as_json: Annotated[bool, typer.Option("--json")] = False,
                  data_dir: DataDir = None, database_url: DbUrl = None):
    """Items added, removed and renamed (same code, other name) between two versions, and recoded ones
    (same name, other code)."""
    from lvrongtong.reference import catalogues

    with _reported(_runtime(data_dir, database_url), 2, f"{old} / {new}") as session:
        d = catalogues.diff(session, old, new)
        out = {"added": [_item_dict(i) for i in d.added], "removed": [_item_dict(i) for i in d.removed],
               "renamed": [{"code": a.code, "old_name": a.name_zh, "new_name": b.name_zh} for a, b in d.renamed],
               "recoded": [{"name": a.name_zh, "old_code": a.code, "new_code": b.code} for a, b in d.recoded]}
    if as_json:
        _echo_json(out)
        return
    for key, sign in (("added", "+"), ("removed", "-")):
        for i in out[key]:
            console.print(f"{sign} {i['code']} {i['name']}")
    for r in out["renamed"]:
        console.print(f"~ {r['code']} {r['old_name']} → {r['new_name']}")
    for r in out["recoded"]:
        console.print(f"> {r['old_code']} → {r['new_code']} {r['name']}")
    console.print(f"added {len(out['added'])}, removed {len(out['removed'])}, renamed {len(out['renamed'])}, "
                  f"recoded {len(out['recoded'])}")


@taxonomy_app.command("crosswalk")
def taxonomy_crosswalk(old: str, new: str, data_dir: DataDir = None, database_url: DbUrl = None):
    """Each item of OLD with its counterpart in NEW by exact name (JSON); unmatched items say so."""
    from lvrongtong.reference import catalogues

    rt = _runtime(data_dir, database_url)
    with rt.transaction() as session:
        _echo_json(catalogues.crosswalk(session, old, new))


@taxonomy_app.command("import")
def taxonomy_import(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=".jsonl or .csv")],
                    version: Annotated[str | None, typer.Option(help="for CSV: catalogue version")] = None,
                    title: Annotated[str | None, typer.Option(help="for CSV: catalogue title (Chinese)")] = None,
                    source: Annotated[str | None, typer.Option(help="for CSV: where the text comes from")] = None,
                    data_dir: DataDir = None, database_url: DbUrl = None):
    """Load or correct a catalogue (format: docs/catalogue-format.md). The whole file is validated
    first; with any problem nothing changes and every problem is listed (exit 1)."""
    from lvrongtong.kit.principal import CLI
    from lvrongtong.reference import catalogues

    header = {k: v for k, v in {"version": version, "title_zh": title, "source": source}.items() if v}
    with _reported(_runtime(data_dir, database_url), 1) as session:
        report = catalogues.import_catalogue(session, CLI, file.name, file.read_bytes(), header or None)
    console.print(f"catalogue {report.version}: {report.items} items loaded; per level {report.counts}")


@taxonomy_app.command("transition-sectors")
def taxonomy_transition_sectors(as_json: Annotated[bool, typer.Option("--json")] = False):
    """Transition sectors (with GB/T 4754 codes and sources) and the intensity benchmarks the platform holds."""
    from lvrongtong.reference import transition

    body = {"sectors": transition.sectors(), "benchmarks": transition.benchmarks()}
    if as_json:
        _echo_json(body)
        return
    for s in body["sectors"]:
        console.print(f"{s['sector']}  {s['name_zh']}  GB/T 4754 {s['industry_codes']}  [dim]{s['batch']} · "
                      f"{s['verification']}[/dim]")
    for b in body["benchmarks"]:
        console.print(f"  {b['benchmark_id']}: {b['area']} {b['subtype']} 标杆 {b['benchmark_level']} / 基准 "
                      f"{b['baseline_level']} {b['unit']}  [dim]{b['verification']}[/dim]")


@taxonomy_app.command("transition-assess")
def taxonomy_transition_assess(
        input_file: Annotated[Path, typer.Option("--input", exists=True, dir_okay=False, help="plan as JSON")],
        as_json: Annotated[bool, typer.Option("--json")] = False, data_dir: DataDir = None,
        database_url: DbUrl = None):
    """Assess a transition plan with the platform's own method (docs/methodology.md); exit 1 on bad input."""
    from lvrongtong.reference import transition
    from lvrongtong.reference.service import require_industry

    try:
        data = json.loads(input_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        err.print(f"{input_file}: not a UTF-8 JSON object / 不是 UTF-8 JSON 对象: {e}")
        raise typer.Exit(1) from None
    with _reported(_runtime(data_dir, database_url), 1) as session:
        plan = transition.plan_from_dict(data)
        require_industry(session, plan.industry_code)
        result = transition.assess(plan).as_dict()
    if as_json:
        _echo_json(result)
        return
    console.print(f"[bold]{result['decision']}[/bold]  ({result['label_zh']})")
    for c in result["checks"]:
        console.print(f"  {c['result']:>5}  {c['id']}: {c['zh']}", soft_wrap=True)


from lvrongtong.carbon.cli import carbon_app  # noqa: E402  (registered after the helpers it uses)

app.add_typer(carbon_app, name="carbon")
from lvrongtong.accounts.cli import account_app  # noqa: E402

app.add_typer(account_app, name="account")
from lvrongtong.iot.cli import iot_app  # noqa: E402

app.add_typer(iot_app, name="iot")
from lvrongtong.reporting.cli import report_app  # noqa: E402
from lvrongtong.statistics.cli import stats_app  # noqa: E402

app.add_typer(report_app, name="report")
app.add_typer(stats_app, name="stats")
from lvrongtong.identification.cli import identify as _identify  # noqa: E402
from lvrongtong.identification.cli import retrain as _identify_retrain  # noqa: E402

app.command("identify")(_identify)
app.command("identify-retrain")(_identify_retrain)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
