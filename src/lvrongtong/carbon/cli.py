"""``lvrongtong carbon …``: methods, factors, single and batch calculations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

carbon_app = typer.Typer(help="Carbon and environmental-benefit engine. 碳核算与环境效益测算。", no_args_is_help=True)


def _cli():
    from lvrongtong import cli

    return cli


@carbon_app.command("methods")
def methods(as_json: Annotated[bool, typer.Option("--json")] = False):
    """Every method id with its input fields, units, formula and source."""
    from lvrongtong.carbon.methods import REGISTRY

    described = [m.describe() for m in REGISTRY.values()]
    if as_json:
        _cli()._echo_json(described)
        return
    for m in described:
        ins = ", ".join(f"{i['name']}[{i['unit']}]" if i["unit"] else i["name"] for i in m["inputs"])
        _cli().console.print(f"[bold]{m['id']}[/bold]  {m['title_zh']} / {m['title_en']}  ({m['verification']})\n"
                             f"  inputs: {ins}\n  {m['formula']}\n  [dim]{m['source']}[/dim]", soft_wrap=True)


@carbon_app.command("factors")
def factors(search: Annotated[str | None, typer.Option("--search", help="text in id, subject, document, region")] = None,
            quantity: Annotated[str | None, typer.Option(help="grid_co2, ncv, carbon_content, gwp, …")] = None,
            verification: Annotated[str | None, typer.Option(help="official | secondary | unverified")] = None,
            as_json: Annotated[bool, typer.Option("--json")] = False,
            data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
            database_url: Annotated[str | None, typer.Option("--database-url")] = None):
    """List or search the factor library with value, unit, source and verification status."""
    from lvrongtong.carbon.api import factor_dict
    from lvrongtong.carbon.factors import search as search_factors

    cli = _cli()
    with cli._reported(cli._runtime(data_dir, database_url)) as session:
        rows = [factor_dict(f) for f in search_factors(session, search, quantity, verification)]
    if as_json:
        cli._echo_json(json.loads(json.dumps(rows, default=str)))
        return
    for f in rows:
        cli.console.print(f"{f['factor_id']}  {f['value']} {f['unit']}  [dim]{f['verification']} · {f['document']}"
                          f"[/dim]", soft_wrap=True)
    cli.console.print(f"{len(rows)} factors")


@carbon_app.command("calc")
def calc(workbook: Annotated[Path | None, typer.Argument(help="batch: .xlsx with one sheet per method id")] = None,
         method: Annotated[str | None, typer.Option("--method", help="method id (single calculation)")] = None,
         input_file: Annotated[Path | None, typer.Option("--input", help="JSON object of inputs")] = None,
         output: Annotated[Path | None, typer.Option("--output", help="batch: result workbook path")] = None,
         template: Annotated[Path | None, typer.Option("--template", help="write a batch template workbook")] = None,
         store: Annotated[bool, typer.Option("--store", help="keep the run and its trace (audited)")] = False,
         as_json: Annotated[bool, typer.Option("--json")] = False,
         data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
         database_url: Annotated[str | None, typer.Option("--database-url")] = None):
    """Calculate: `--method ID --input FILE.json` (one result with its full trace) or `FILE.xlsx --output
    RESULT.xlsx` (batch: each row judged on its own; refused rows listed with their errors).
    `--template FILE.xlsx` writes a workbook with every method's columns and worked example."""
    from lvrongtong.carbon import batch, service
    from lvrongtong.carbon.factors import DbFactors
    from lvrongtong.kit.principal import CLI

    cli = _cli()
    if template:
        template.write_bytes(batch.template_workbook())
        cli.console.print(f"template written: {template}")
        return
    rt = cli._runtime(data_dir, database_url)
    if workbook is not None:
        with cli._reported(rt, 1, str(workbook)) as session:
            report = batch.calculate_workbook(workbook.read_bytes(), DbFactors(session))
        target = output or workbook.with_name(workbook.stem + "-result.xlsx")
        target.write_bytes(batch.report_workbook(report))
        cli.console.print(f"{report.accepted} rows calculated, {report.refused} refused → {target}")
        for sheet in report.sheets:
            for n, o in enumerate(sheet.outcomes, start=2):
                if o["status"] != "ok":
                    cli.err.print(f"  {sheet.method_id} row {n}: " + "; ".join(o["errors"]))
        for name in report.unknown_sheets:
            cli.err.print(f"  sheet '{name}' skipped: not a method id (see `lvrongtong carbon methods`)")
        raise typer.Exit(1 if report.refused else 0)
    if not method or not input_file:
        cli.err.print("give --method ID --input FILE.json, or a workbook / 请指定 --method 与 --input，或批量工作簿")
        raise typer.Exit(2)
    try:
        inputs = json.loads(input_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        cli.err.print(f"{input_file}: not a UTF-8 JSON object / 不是 UTF-8 JSON 对象: {e}")
        raise typer.Exit(2) from None
    with cli._reported(rt, 1, method) as session:
        if store:
            body = service.run_as_dict(service.calculate_and_store(session, CLI, method, inputs))
        else:
            body = service.calculate(session, method, inputs).as_dict()
    if as_json:
        cli._echo_json(body)
        return
    for name, figure in body["results"].items():
        cli.console.print(f"[bold]{name}[/bold] = {figure['value']} {figure['unit']}")
    for step in body["trace"]["steps"]:
        cli.console.print(f"  {step['name']}: {step['expression']} = {step['value']} {step['unit']}", soft_wrap=True)
    for f in body["trace"]["factors"]:
        cli.console.print(f"  factor {f['factor_id']} = {f['value']} {f['unit']} ({f['verification']}; "
                          f"{f['document']}; {f['source']})" + ("; " + "; ".join(f["fallback"]) if f["fallback"] else ""),
                          soft_wrap=True)


@carbon_app.command("benefits")
def benefits(year: Annotated[int, typer.Option("--year", help="year of the benefits (e.g. 2024)")],
             as_json: Annotated[bool, typer.Option("--json")] = False,
             data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
             database_url: Annotated[str | None, typer.Option("--database-url")] = None):
    """Compute the benefits of every project with inputs and register each financing instrument's claim
    (share = balance ÷ total investment; claims above 100 % of a project are flagged). Idempotent."""
    from rich.progress import BarColumn, Progress, TextColumn

    from lvrongtong.carbon.api import benefit_report_dict
    from lvrongtong.carbon.benefits import compute_book
    from lvrongtong.kit.principal import CLI

    cli = _cli()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                  console=cli.err, transient=True) as bar:
        task = bar.add_task("项目效益 / project benefits", total=1)
        with cli._reported(cli._runtime(data_dir, database_url), 1) as session:
            report = compute_book(session, CLI, year, lambda n, total: bar.update(task, completed=n, total=total))
    body = benefit_report_dict(report)
    if as_json:
        cli._echo_json(body)
        return
    cli.console.print(f"{year}: {body['projects_with_inputs']} projects with inputs "
                      f"({body['projects_without_inputs']} without), {body['instruments']} instruments: "
                      f"{body['accepted']} claims accepted, {body['flagged']} flagged (over 100 %), "
                      f"{len(body['refused'])} refused; CO2 reduced {body['co2_reduced_t']} t, "
                      f"energy saved {body['energy_saved_tce']} tce", soft_wrap=True)
