"""``lvrongtong account …``: show an account's inventory, intensity, benchmark and rating; compute a period."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

account_app = typer.Typer(help="Enterprise carbon accounts. 企业碳账户。", no_args_is_help=True)


def _cli():
    from lvrongtong import cli

    return cli


@account_app.command("show")
def show(uscc: Annotated[str, typer.Argument(help="the enterprise's unified social credit code")],
         period: Annotated[str, typer.Option("--period", help="2025, 2025Q1 or 2025-03")],
         as_json: Annotated[bool, typer.Option("--json")] = False,
         data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
         database_url: Annotated[str | None, typer.Option("--database-url")] = None):
    """Inventory (with the trace), intensity, industry benchmark, rating and its reasons, profile tags."""
    from lvrongtong.accounts.profile import profile
    from lvrongtong.kit.principal import CLI

    cli = _cli()
    rt = cli._runtime(data_dir, database_url)
    with cli._reported(rt) as session:
        p = profile(session, CLI, uscc, period, min_sample=rt.settings.accounts_benchmark_min_sample,
                    schemes_file=rt.settings.accounts_rating_file)
        out = {**p["summary"], "tags": p["tags"]}
    if as_json:
        cli._echo_json(json.loads(json.dumps(out, default=str)))
        return
    inv, rating = out["inventory"], out["rating"]
    cli.console.print(f"[bold]{out['name']}[/bold] {out['uscc']} · {out['period']}"
                      f"{' · 演示数据 synthetic' if out['synthetic'] else ''}")
    cli.console.print(f"  scope 1 {inv['scope1_tco2e']} · scope 2 {inv['scope2_tco2e']} · total {inv['total_tco2e']} "
                      f"tCO2e · months with data {inv['completeness']['months_with_data']}/{inv['completeness']['months']}")
    for k, v in out["indicators"].items():
        cli.console.print(f"  {k}: {v if v is not None else '—'}")
    cli.console.print(f"  rating ({rating['scheme']}): {rating['colour'] or rating['status']} score {rating['score']}")
    for r in rating["reasons"]:
        cli.console.print(f"    · {r['zh']}", soft_wrap=True)
    for pr in out["portable_ratings"]:
        cli.console.print(f"  {pr['title_zh']}: {pr.get('grade') or pr['status']}", soft_wrap=True)
    tags = out["tags"]
    cli.console.print(f"  tags: industry {tags['industry']['code']} {tags['industry']['name_zh'] or ''} · "
                      f"ETS {'yes' if tags['ets_covered']['value'] else 'no'} · transition "
                      f"{tags['transition']['sector_zh'] or 'no'} · trend {tags['rating_trend']['direction']}")


@account_app.command("compute")
def compute(uscc: Annotated[str, typer.Argument()], period: Annotated[str, typer.Option("--period")],
            data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
            database_url: Annotated[str | None, typer.Option("--database-url")] = None):
    """Compute and store a period's inventory (a year also stores its months)."""
    from lvrongtong.accounts import service
    from lvrongtong.kit.principal import CLI

    cli = _cli()
    with cli._reported(cli._runtime(data_dir, database_url)) as session:
        row = service.compute_period(session, CLI, uscc, period)
        cli.console.print(f"{uscc} {period}: {row.total_tco2e} tCO2e")


@account_app.command("assets")
def assets_cmd(uscc: Annotated[str, typer.Argument(help="the enterprise's unified social credit code")],
               as_json: Annotated[bool, typer.Option("--json")] = False,
               xlsx: Annotated[Path | None, typer.Option("--xlsx", help="also write the asset report here")] = None,
               data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
               database_url: Annotated[str | None, typer.Option("--database-url")] = None):
    """Allowances and CCER / certified reductions: balances and every transaction."""
    from lvrongtong.accounts import assets
    from lvrongtong.kit.principal import CLI

    cli = _cli()
    with cli._reported(cli._runtime(data_dir, database_url)) as session:
        out = assets.holdings(session, CLI, uscc)
    if xlsx:
        xlsx.write_bytes(assets.report_xlsx(out))
    if as_json:
        cli._echo_json(out)
        return
    cli.console.print(f"[bold]{out['name']}[/bold] {out['uscc']}{' · 演示数据 synthetic' if out['synthetic'] else ''}")
    for a in out["assets"]:
        cli.console.print(f"  {a['code']} ({a['kind_zh']}) balance {a['summary']['balance_tco2e']} tCO2e · "
                          f"{len(a['transactions'])} transactions")


@account_app.command("report")
def report(uscc: Annotated[str, typer.Argument(help="the enterprise's unified social credit code")],
           output: Annotated[Path, typer.Option("--output", "-o", help="file to write: .pdf, .html or .json")],
           kind: Annotated[str, typer.Option(help="credit (碳信用报告) | benefit (环境效益评价)")] = "credit",
           period: Annotated[str | None, typer.Option(help="credit report: 2025, 2025Q1 or 2025-03")] = None,
           baseline: Annotated[str | None, typer.Option(help="benefit evaluation: the period before the measure")] = None,
           post: Annotated[str | None, typer.Option(help="benefit evaluation: the period after the measure")] = None,
           measure: Annotated[str, typer.Option(help="benefit evaluation: what was done")] = "",
           data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
           database_url: Annotated[str | None, typer.Option("--database-url")] = None):
    """Write the carbon credit report or the environmental benefit evaluation as PDF, HTML or JSON."""
    from lvrongtong.accounts import documents, reports
    from lvrongtong.kit.principal import CLI

    cli = _cli()
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "html", "json"):
        cli.err.print("[red]输出文件扩展名应为 .pdf、.html 或 .json / the output must end in .pdf, .html or .json[/red]")
        raise typer.Exit(2)
    if kind not in ("credit", "benefit") or (kind == "credit" and not period) or \
            (kind == "benefit" and not (baseline and post)):
        cli.err.print("[red]credit 需要 --period；benefit 需要 --baseline 与 --post / credit needs --period; "
                      "benefit needs --baseline and --post[/red]")
        raise typer.Exit(2)
    rt = cli._runtime(data_dir, database_url)
    opts = {"min_sample": rt.settings.accounts_benchmark_min_sample, "schemes_file": rt.settings.accounts_rating_file}
    with cli._reported(rt) as session:
        doc = reports.credit_report(session, CLI, uscc, period, **opts) if kind == "credit" else \
            reports.benefit_evaluation(session, CLI, uscc, baseline, post, measure[:200], **opts)
        if fmt == "pdf":
            output.write_bytes(documents.render_pdf(doc))
    if fmt == "html":
        output.write_text(documents.render_html(doc), encoding="utf-8")
    elif fmt == "json":
        output.write_text(json.dumps(doc, ensure_ascii=False, default=str, indent=1), encoding="utf-8")
    cli.console.print(f"written {output}")
