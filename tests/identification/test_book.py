"""Whole-book identification: a job with progress, results per instrument and engine, idempotent, scoped."""

import time

from sqlalchemy import func, select

from lvrongtong.identification import book
from lvrongtong.identification.models import IdentificationResult, Job
from lvrongtong.kit.principal import CLI


def test_job_runs_stores_and_reruns_idempotently(rt, world):
    with rt.transaction() as s:
        job_id = book.queue(s, CLI).id
    seen = []
    job = book.run(rt, job_id, lambda n, total: seen.append((n, total)))
    assert job.status == "done" and job.total == 2 and seen[-1] == (2, 2)
    assert sum(job.result["decisions"].values()) == 2
    with rt.transaction() as s:
        first = {r.instrument_id: r.decision for r in s.scalars(select(IdentificationResult))}
        again = book.queue(s, CLI).id
    book.run(rt, again)
    with rt.transaction() as s:
        assert s.scalar(select(func.count()).select_from(IdentificationResult)) == 2  # replaced, not added
        assert {r.instrument_id: r.decision for r in s.scalars(select(IdentificationResult))} == first
    assert set(first) == {world.loan_a_id, world.loan_b_id}


def test_bank_job_covers_only_its_book_and_progress_is_visible(client, world, as_user, rt):
    headers = as_user("a_officer")
    r = client.post("/api/v1/identification/jobs", headers=headers)
    assert r.status_code == 200
    job_id = r.json()["id"]
    for _ in range(100):
        state = client.get(f"/api/v1/identification/jobs/{job_id}", headers=headers).json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert state["status"] == "done" and state["total"] == 1, state
    results = client.get("/api/v1/identification/results", headers=headers).json()
    assert [i["reference"] for i in results["items"]] == ["A-0001"]
    assert client.get(f"/api/v1/identification/jobs/{job_id}", headers=as_user("b_officer")).status_code == 404
    assert client.post("/api/v1/identification/jobs", headers=as_user("b_viewer")).status_code == 403
    client.post("/login", data={"username": "a_officer", "password": "correct-horse-battery"})
    page = client.get("/identification/jobs").text
    assert "<progress" in page and "done" in page
    with rt.transaction() as s:
        assert s.get(Job, job_id).organisation_id == world.bank_a_id
