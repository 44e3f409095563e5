"""``lvrongtong identify``: one description (``--text``) or a CSV batch (``--input``/``--output``);
``lvrongtong identify-retrain``: retrain the statistical layer and report before / after on the held-out half."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

BATCH_HELP = ("CSV in (UTF-8 or GBK): columns id, text, industry_code (optional), approved_on (optional, "
              "YYYY-MM-DD), kind (optional: loan | bond). CSV out: id, decision, catalogue, code, name, "
              "level1_code, level1_name, confidence, reason, error.")


def identify(text: Annotated[str | None, typer.Option("--text", help="project / loan description (Chinese)")] = None,
             industry: Annotated[str | None, typer.Option("--industry", help="GB/T 4754-2017 code")] = None,
             approved_on: Annotated[str | None, typer.Option("--approved-on", help="YYYY-MM-DD; picks the catalogue")] = None,
             kind: Annotated[str, typer.Option(help="loan (approval date) | bond (registration date)")] = "loan",
             input_file: Annotated[Path | None, typer.Option("--input", help=BATCH_HELP)] = None,
             output: Annotated[Path | None, typer.Option("--output", help="batch result CSV")] = None,
             book: Annotated[bool, typer.Option("--book", help="identify every loan and bond in the database, "
                                                             "stored per instrument (a job with progress)")] = False,
             as_json: Annotated[bool, typer.Option("--json")] = False,
             data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
             database_url: Annotated[str | None, typer.Option("--database-url")] = None):
    """Identify green / transition / not eligible / needs review against the catalogue version that applies,
    with candidates, calibrated confidence and evidence (rule layer `rules-1` + text model `model-1`, or the
    newest model retrained into the data directory)."""
    from lvrongtong import cli
    from lvrongtong.identification.engine import Request
    from lvrongtong.identification.engine import identify as run

    rt = cli._runtime(data_dir, database_url)
    if book:
        _book(cli, rt, as_json)
        return
    if input_file is not None:
        _batch(cli, rt, input_file, output or input_file.with_name(input_file.stem + "-identified.csv"))
        return
    if text is None:
        cli.err.print("give --text or --input / 请提供 --text 或 --input")
        raise typer.Exit(2)
    on = _date(cli, approved_on)
    with cli._reported(rt, 1) as session:
        result = run(session, Request(text, industry, on, kind), data_dir=rt.settings.data_dir)
    if as_json:
        cli._echo_json(result)
        return
    cli.console.print(f"[bold]{result['decision']}[/bold] · {result['catalogue_title']}")
    cli.console.print(result["explanation_zh"], soft_wrap=True)
    for c in result["candidates"]:
        cli.console.print(f"  {c['code']} {c['name']}  {c['confidence']:.2f}  {', '.join(c['evidence']['phrases'])}")


def _date(cli, text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        cli.err.print(f"--approved-on {text}: not YYYY-MM-DD / 日期格式应为 YYYY-MM-DD")
        raise typer.Exit(2) from None


def _batch(cli, rt, source: Path, target: Path) -> None:
    from lvrongtong.identification.engine import Request
    from lvrongtong.identification.engine import identify as run
    from lvrongtong.kit.errors import AppError

    raw = source.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("gbk", errors="strict")
    rows = list(csv.DictReader(io.StringIO(content)))
    if rows and "text" not in rows[0]:
        cli.err.print(f"{source}: a column named text is required / 缺少 text 列")
        raise typer.Exit(2)
    out = io.StringIO()
    fields = ["id", "decision", "catalogue", "code", "name", "level1_code", "level1_name", "confidence", "reason", "error"]
    writer = csv.DictWriter(out, fields)
    writer.writeheader()
    counts: dict[str, int] = {}
    with rt.transaction() as session:
        for n, row in enumerate(rows, start=2):
            line = {"id": row.get("id") or n}
            try:
                on = date.fromisoformat(row["approved_on"]) if row.get("approved_on") else None
                r = run(session, Request(row.get("text") or "", row.get("industry_code") or None, on,
                                         row.get("kind") or "loan"), data_dir=rt.settings.data_dir)
                top = r["candidates"][0] if r["candidates"] else {}
                line.update(decision=r["decision"], catalogue=r["catalogue"], code=top.get("code", ""),
                            name=top.get("name", ""), level1_code=top.get("level1_code", ""),
                            level1_name=top.get("level1_name", ""), confidence=top.get("confidence", ""),
                            reason=r["reason_zh"])
                counts[r["decision"]] = counts.get(r["decision"], 0) + 1
            except (AppError, ValueError) as e:
                message = "; ".join(f"{d.field}: {d.message_zh}" for d in e.details) if isinstance(e, AppError) else str(e)
                line.update(decision="error", error=message)
                counts["error"] = counts.get("error", 0) + 1
            writer.writerow(line)
    target.write_text(out.getvalue(), encoding="utf-8-sig")
    cli.console.print(f"{len(rows)} rows → {target}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def _book(cli, rt, as_json: bool) -> None:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from lvrongtong.identification import book
    from lvrongtong.identification.api import job_dict
    from lvrongtong.kit.principal import CLI

    with rt.transaction() as session:
        job_id = book.queue(session, CLI).id
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                  TimeElapsedColumn(), console=cli.err, transient=True) as bar:
        task = bar.add_task(f"识别 / identifying (job {job_id})", total=1)
        job = book.run(rt, job_id, lambda n, total: bar.update(task, completed=n, total=total))
    if as_json:
        cli._echo_json(job_dict(job))
        return
    cli.console.print(f"job {job.id}: {job.total:,} instruments · " +
                      ", ".join(f"{k} {v:,}" for k, v in sorted(job.result["decisions"].items())))


def retrain(quick: Annotated[bool, typer.Option("--quick", help="keep the hyperparameters and calibration of "
                                                   "the model in use; refit only (seconds, no cross-validation)")] = False,
            as_json: Annotated[bool, typer.Option("--json")] = False,
            data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
            database_url: Annotated[str | None, typer.Option("--database-url")] = None):
    """Retrain the text model from the catalogue texts, the dev half of the evaluation set and the reviewed
    decisions in the database; print held-out metrics before (model in use) and after; install the new
    model under DATA_DIR/models/identification/ (the engine then uses it)."""
    from lvrongtong import cli
    from lvrongtong.identification import evaluation, review, training
    from lvrongtong.identification import model as text_model
    from lvrongtong.identification.engine import index_for
    from lvrongtong.reference import catalogues

    rt = cli._runtime(data_dir, database_url)
    with cli._reported(rt, 1) as session:
        items = training.items_of(session)
        indexes = {v: index_for(session, v) for v in items}
        reviews = review.training_rows(session)
        title = catalogues.get_catalogue(session, "2025").title_zh
    before = text_model.current(rt.settings.data_dir)
    version = training.new_version()
    reuse = before.params if quick and before is not None and "decision_c" in before.params else None
    model, manifest = training.train(items, reviews, version, indexes, reuse)
    heldout = training.heldout_rows()
    metrics = {"before": evaluation.evaluate(indexes["2025"], heldout, title, before),
               "after": evaluation.evaluate(indexes["2025"], heldout, title, model)}
    manifest["heldout"] = {k: {m: v[m] for m in evaluation.METRICS} for k, v in metrics.items()}
    path = model.save(rt.settings.data_dir / text_model.DATA_SUBDIR / version, manifest)
    body = {"model": version, "previous": before.version if before else None, "path": str(path),
            "reviews": len(reviews), "dev_rows": len(manifest["dev_ids"]), "heldout_rows": len(heldout),
            "before": metrics["before"], "after": metrics["after"]}
    if as_json:
        cli._echo_json(body)
        return
    cli.console.print(f"model {version} ← {len(reviews)} reviews + {body['dev_rows']} dev rows + catalogue texts → {path}")
    cli.console.print(evaluation.table({f"before ({body['previous']})": metrics["before"], f"after ({version})":
                                        metrics["after"]}), soft_wrap=True)
