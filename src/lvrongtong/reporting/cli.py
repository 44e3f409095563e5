"""``lvrongtong report …``: submit a loan-level report, list the rules, read receipts and findings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

report_app = typer.Typer(help="Regulatory reporting (DRR): submissions, rules, receipts. 数字化监管报送。",
                         no_args_is_help=True)
DataDir = Annotated[Path | None, typer.Option("--data-dir")]
DbUrl = Annotated[str | None, typer.Option("--database-url")]
AsUser = Annotated[str | None, typer.Option("--as-user", help="act as this user (scope and audit); default: operator")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON")]


def _cli():
    from lvrongtong import cli

    return cli


@report_app.command("submit")
def submit(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=".csv (UTF-8 or GBK) or .xlsx")],
           institution: Annotated[int, typer.Option("--institution", help="organisation id of the reporting "
                                                                          "institution")],
           period: Annotated[str, typer.Option("--period", help="reporting month YYYY-MM")],
           note: Annotated[str, typer.Option(help="what this (re)submission corrects")] = "",
           as_json: AsJson = False, as_user: AsUser = None, data_dir: DataDir = None, database_url: DbUrl = None):
    """Judge FILE by every rule; print the receipt and the findings. Exit 0 accepted, 1 rejected.

    Columns (Chinese or English headers; `lvrongtong report template` writes the template):
    loan_id, borrower_uscc, borrower_name, enterprise_size, industry_code, district_code, amount_cny,
    balance_cny, rate_pct, approved_on, disbursed_on, matures_on, green, transition, catalogue_version,
    catalogue_code, carbon_reduction_tool, co2e_reduction_t, energy_saving_tce, reporting_institution_uscc.
    A last row with loan_id 合计 / TOTAL carries the institution's amount and balance totals."""
    from lvrongtong.reporting import service

    cli = _cli()
    rt = cli._runtime(data_dir, database_url)
    who = cli._principal(rt, as_user)
    with cli._reported(rt, context=str(file)) as session:
        out = service.submit_file(session, who, rt.settings, institution, period, file.name, file.read_bytes(),
                                  source="cli", note=note)
        receipt = service.receipt(out.submission, session, out.findings, limit=1000)
    if as_json:
        cli._echo_json(receipt)
    else:
        c = receipt["counts"]
        colour = "green" if receipt["status"] == "accepted" else "red"
        cli.console.print(f"[{colour}]{receipt['status']}[/{colour}] receipt {receipt['receipt']} · "
                          f"{receipt['institution']} {receipt['period']} #{receipt['sequence']} · "
                          f"{c['rows_total']} rows, {c['errors']} errors, {c['warnings']} warnings · "
                          f"rules {receipt['ruleset_version']} · sha256 {receipt['sha256'][:16]}…")
        for f in receipt["findings"][:50]:
            cli.console.print(f"  row {f['row']} {f['loan_id']} · {f['rule']} {f['severity']} · {f['field']}="
                              f"{f['value']!r}: {f['message_zh']} / {f['message_en']}", soft_wrap=True)
        if receipt["changes"]:
            cli.console.print(f"  supersedes {receipt['supersedes']}: {receipt['changes']}")
    raise typer.Exit(0 if receipt["status"] == "accepted" else 1)


@report_app.command("rules")
def rules_(as_json: AsJson = False):
    """The validation rules: id, version, severity, field, messages, basis."""
    from lvrongtong.reporting.rules import RULES, RULESET_VERSION

    described = {"ruleset_version": RULESET_VERSION, "rules": [r.as_dict() for r in RULES]}
    if as_json:
        _cli()._echo_json(described)
        return
    _cli().console.print(f"rule set {RULESET_VERSION}")
    for r in RULES:
        _cli().console.print(f"[bold]{r.id}[/bold] v{r.version} {r.severity:7} {r.field:26} {r.zh} / {r.en}\n"
                             f"    [dim]{r.basis}[/dim]", soft_wrap=True)


@report_app.command("list")
def list_(institution: Annotated[int | None, typer.Option("--institution")] = None,
          period: Annotated[str | None, typer.Option("--period")] = None,
          status: Annotated[str | None, typer.Option(help="accepted | rejected")] = None,
          as_json: AsJson = False, as_user: AsUser = None, data_dir: DataDir = None, database_url: DbUrl = None):
    """Submissions, newest first (up to 200)."""
    from lvrongtong.reporting import service

    cli = _cli()
    rt = cli._runtime(data_dir, database_url)
    who = cli._principal(rt, as_user)
    with cli._reported(rt) as session:
        subs, total = service.list_submissions(session, who, institution_id=institution, period=period,
                                               status=status, page_size=200)
        rows = [service.receipt(s, session) for s in subs]
    if as_json:
        cli._echo_json({"total": total, "items": rows})
        return
    for r in rows:
        cli.console.print(f"{r['receipt']}  {r['period']} #{r['sequence']} {r['status']:8} "
                          f"{'in force' if r['current'] else '':8} {r['institution']}  rows {r['counts']['rows_total']}"
                          f"  errors {r['counts']['errors']}  warnings {r['counts']['warnings']}")


@report_app.command("template")
def template(output: Annotated[Path, typer.Argument(help="where to write the .xlsx template")]):
    """Write the submission template (columns, notes, rules) as .xlsx."""
    from lvrongtong.reporting.service import template_xlsx

    output.write_bytes(template_xlsx())
    _cli().console.print(f"written {output}")
