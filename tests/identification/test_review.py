"""Review loop: undecided results queue up; reviewers accept / reject / reassign with a reason; scoped,
audited, and reviews become training rows."""

from sqlalchemy import func, select

from lvrongtong.audit.models import AuditEntry
from lvrongtong.identification import book, review
from lvrongtong.identification.models import IdentificationResult
from lvrongtong.kit.principal import CLI


def _identified(rt):
    with rt.transaction() as s:
        job_id = book.queue(s, CLI).id
    book.run(rt, job_id)
    with rt.transaction() as s:
        return {r.instrument_id: (r.id, r.decision) for r in s.scalars(select(IdentificationResult))}


def test_review_queue_actions_scope_and_audit(rt, world, client, as_user):
    results = _identified(rt)
    b_result, b_decision = results[world.loan_b_id]  # loan B has no purpose and no project: needs review
    assert b_decision == "needs_review"
    reg, a_admin, a_officer = as_user("reg_admin"), as_user("a_admin"), as_user("a_officer")
    queue = client.get("/api/v1/identification/review-queue", headers=reg).json()
    assert b_result in [i["result_id"] for i in queue["items"]]
    bank_a_queue = client.get("/api/v1/identification/review-queue", headers=a_admin).json()["items"]
    assert b_result not in [i["result_id"] for i in bank_a_queue]  # bank A never sees bank B's loan
    r = client.post("/api/v1/identification/reviews", headers=a_admin,
                    json={"result_id": b_result, "action": "reject", "reason": "x"})
    assert r.status_code == 404  # another bank's loan looks like a missing one
    r = client.post("/api/v1/identification/reviews", headers=a_officer,
                    json={"result_id": b_result, "action": "reject", "reason": "x"})
    assert r.status_code == 403
    r = client.post("/api/v1/identification/reviews", headers=reg,
                    json={"result_id": b_result, "action": "reassign", "code": "9.9.9", "reason": ""})
    assert r.status_code == 422
    assert {(d["field"], d["rule"]) for d in r.json()["error"]["details"]} == {("reason", "required"),
                                                                               ("code", "item_known")}
    r = client.post("/api/v1/identification/reviews", headers=reg,
                    json={"result_id": b_result, "action": "reassign", "code": "1.2.1", "reason": "新能源汽车零部件"})
    assert r.status_code == 200 and r.json()["decision"] == "green" and r.json()["code"] == "1.2.1"
    assert b_result not in [i["result_id"] for i in
                            client.get("/api/v1/identification/review-queue", headers=reg).json()["items"]]
    with rt.transaction() as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "identification.review")) == 1
        rows = review.training_rows(s)
    assert rows and rows[0]["code"] == "1.2.1" and rows[0]["reason"] == "新能源汽车零部件"


def test_review_page(rt, world, client):
    results = _identified(rt)
    client.post("/login", data={"username": "reg_admin", "password": "correct-horse-battery"})
    page = client.get("/identification/review")
    assert page.status_code == 200 and "B-0001" in page.text
    bad = client.post("/identification/review", data={"result_id": results[world.loan_b_id][0], "action": "reject"})
    assert bad.status_code == 422 and "reason" in bad.text
    ok = client.post("/identification/review", data={"result_id": results[world.loan_b_id][0], "action": "reject",
                                                      "reason": "流动资金，非项目"})
    assert ok.status_code == 200 and "B-0001" not in ok.text.split("<table>")[1]
