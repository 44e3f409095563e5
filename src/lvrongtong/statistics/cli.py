"""``lvrongtong stats …``: the monitoring cube from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

stats_app = typer.Typer(help="Full-element statistical monitoring cube. 全量全要素统计监测。", no_args_is_help=True)


@stats_app.command("cube")
def cube(by: Annotated[str, typer.Option("--by", help="comma list of dimensions (see `stats dimensions`); "
                                                      "empty = totals")] = "",
         period: Annotated[str | None, typer.Option("--period", help="one month YYYY-MM")] = None,
         period_from: Annotated[str | None, typer.Option("--from", help="first month YYYY-MM")] = None,
         period_to: Annotated[str | None, typer.Option("--to", help="last month YYYY-MM")] = None,
         grain: Annotated[str, typer.Option(help="month | quarter | year")] = "month",
         green_type: Annotated[str | None, typer.Option("--green-type", help="green | transition | other")] = None,
         xlsx: Annotated[Path | None, typer.Option("--xlsx", help="also write the cells to this .xlsx")] = None,
         as_json: Annotated[bool, typer.Option("--json")] = False,
         as_user: Annotated[str | None, typer.Option("--as-user")] = None,
         data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
         database_url: Annotated[str | None, typer.Option("--database-url")] = None):
    """Print the cube cells: every measure for every combination of the dimensions, per time cell."""
    from lvrongtong import cli
    from lvrongtong.statistics import service
    from lvrongtong.statistics.definitions import Query

    rt = cli._runtime(data_dir, database_url)
    who = cli._principal(rt, as_user)
    query = Query(by=[b.strip() for b in by.split(",") if b.strip()], grain=grain,
                  period_from=period or period_from, period_to=period or period_to,
                  where={"green_type": [green_type]} if green_type else {})
    with cli._reported(rt) as session:
        result = service.build(session, who, rt.settings, query)
    if xlsx:
        xlsx.write_bytes(service.cube_xlsx(result))
    if as_json:
        cli._echo_json(result.as_dict())
        return
    keys = query.by + ["t"]
    for c in result.cells:
        label = " · ".join(str(c.get(f"{k}_name", c[k])) for k in keys)
        cli.console.print(f"{label}: balance {c['balance_cny']} · loans {c['loans']} · green {c['green_balance_cny']}"
                          f" · new {c['new_lending_cny']} · yoy {c['balance_yoy']}", soft_wrap=True)
    cli.console.print(f"[dim]{len(result.cells)} cells from {result.files} accepted submissions[/dim]")


@stats_app.command("dimensions")
def dimensions(as_json: Annotated[bool, typer.Option("--json")] = False):
    """Dimensions and measures of the cube, with their formulas."""
    from lvrongtong import cli
    from lvrongtong.statistics.definitions import DIMENSIONS, MEASURES

    out = {"dimensions": [{"name": d.name, "zh": d.zh, "en": d.en} for d in DIMENSIONS.values()],
           "measures": [{"name": m.name, "kind": m.kind, "zh": m.zh, "en": m.en, "unit": m.unit,
                         "formula": m.formula} for m in MEASURES.values()],
           "grains": ["month", "quarter", "year"]}
    if as_json:
        cli._echo_json(out)
        return
    for d in out["dimensions"]:
        cli.console.print(f"[bold]{d['name']}[/bold] {d['zh']} / {d['en']}")
    for m in out["measures"]:
        cli.console.print(f"[bold]{m['name']}[/bold] ({m['kind']}, {m['unit']}) {m['zh']}: {m['formula']}")
