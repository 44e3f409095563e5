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
