"""Statistical layer: the shipped model loads (fast, no code executed), calibrated results say so with the
model's version, retraining with a review moves the reviewed description, the held-out half never trains."""

import hashlib
import json
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from lvrongtong.cli import app as cli
from lvrongtong.identification import book, review, training
from lvrongtong.identification import model as text_model
from lvrongtong.identification.engine import Request, identify
from lvrongtong.identification.features import clause, terms
from lvrongtong.identification.models import IdentificationResult
from lvrongtong.kit.principal import CLI
from lvrongtong.registry import instruments
from lvrongtong.registry.schemas import LoanCreate

EVAL = Path(__file__).resolve().parents[1] / "data" / "identification" / "eval_set.csv"
PV = "利用工业厂房屋顶建设装机容量8MW的分布式光伏电站，年均发电量约900万千瓦时"


def test_shipped_model_loads_quickly_from_json_and_npz():
    t = time.perf_counter()
    m = text_model.load(text_model.SHIPPED)
    assert time.perf_counter() - t < 5
    assert m.version == "model-1" and set(m.heads) == {"2019", "2021", "2025"}
    assert {p.name for p in text_model.SHIPPED.iterdir()} == {"model.json", "weights.npz", "manifest.json"}
    assert text_model.current() is text_model.current()  # cached
    with np.load(text_model.SHIPPED / "weights.npz", allow_pickle=False) as w:
        assert all(w[k].dtype != object for k in w.files)


def test_numpy_inference_reproduces_the_training_vectoriser():
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = ["分布式光伏电站建设", "污水处理厂提标改造", "光伏组件制造 PV"]
    vec = TfidfVectorizer(analyzer=terms, sublinear_tf=True).fit(docs)
    m = text_model.TextModel("t", {t: int(k) for t, k in vec.vocabulary_.items()}, vec.idf_, np.zeros(len(vec.idf_)),
                             0.0, {}, {"clause": False})
    idx, val = m.vector("屋顶分布式光伏光伏电站 PV")
    dense = np.zeros(len(vec.idf_))
    dense[idx] = val
    assert np.allclose(dense, vec.transform(["屋顶分布式光伏光伏电站 PV"]).toarray()[0])


def test_clause_cuts_bank_boilerplate_but_never_empties():
    text = "近日，某银行分行向某公司发放贷款1亿元。该项目建设装机容量8MW的分布式光伏电站。"
    assert "发放贷款" not in clause(text) and "光伏电站" in clause(text)
    assert clause("近日，某银行发放贷款") == "近日，某银行发放贷款"


def test_heldout_half_never_trains_the_model():
    manifest = json.loads((text_model.SHIPPED / "manifest.json").read_text(encoding="utf-8"))
    heldout = {r["id"] for r in training.labelled_rows("heldout")}
    assert manifest["dev_ids"] and not set(manifest["dev_ids"]) & heldout
    assert all(training.split_of(i) == "dev" for i in manifest["dev_ids"])
    # the copy shipped with the package is the evaluation set in tests/data, byte for byte
    assert training.EVAL_SET.read_bytes() == EVAL.read_bytes()
    assert manifest["eval_set_sha256"] == hashlib.sha256(EVAL.read_bytes()).hexdigest()


def test_result_is_calibrated_and_names_both_layers(rt):
    with rt.transaction() as s:
        r = identify(s, Request(PV, "4416", date(2025, 11, 1)))
        with_data_dir = identify(s, Request(PV, "4416", date(2025, 11, 1)), data_dir=rt.settings.data_dir)
    assert r["calibrated"] is True and r["model"] == "model-1" and r["engine"] == "rules-1+model-1"
    assert r["decision"] == "green" and 0.75 <= r["green_probability"] <= 1
    top = r["candidates"][0]
    assert top["level1_code"] == "4"  # clean energy (the model prefers 4.3.7 分布式能源 to 4.2.2 for this text)
    assert top["confidence"] <= r["green_probability"]
    assert sum(c["confidence"] for c in r["candidates"]) <= r["green_probability"] + 1e-6
    assert "已在标注样本" in r["explanation_zh"] and "rules-1+model-1" in r["explanation_zh"]
    assert with_data_dir["model"] == "model-1"  # no retrained model in the data dir: the shipped one


@pytest.mark.parametrize("text", ["", "   ", "abc xyz", "😀😀😀", "光" * 5000, "asdfgh 12345 !!!",
                                  "Install 屋顶光伏 solar PV panels 8MW on factory roofs",
                                  "本公司流动资金周转" * 400])
def test_bad_input_gives_a_clear_result(rt, text):
    with rt.transaction() as s:
        r = identify(s, Request(text, None, date(2025, 11, 1)))
    assert r["decision"] in ("green", "needs_review", "not_eligible", "transition") and r["reason_zh"]
    assert all(0 <= c["confidence"] <= 1 for c in r["candidates"])
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text) or text.strip("光") == "":
        assert r["decision"] in ("needs_review", "not_eligible")
    if len(text) > 2000:
        assert r["notes"]


def test_retrain_with_a_reassigned_review_moves_the_description(rt, world):
    text = "购置一批新型环卫作业车辆用于城区道路清扫保洁"
    with rt.transaction() as s:
        loan = instruments.create_loan(s, CLI, LoanCreate(
            contract_no="R-0001", borrower_uscc=world.ent_uscc, lender_org_id=world.bank_a_id, purpose=text,
            amount_cny=Decimal("1000000"), balance_cny=Decimal("1000000"), rate_pct=Decimal("3.0"),
            approved_on=date(2025, 11, 3), matures_on=date(2028, 11, 3))).id
        job_id = book.queue(s, CLI).id
    book.run(rt, job_id)
    with rt.transaction() as s:
        before = identify(s, Request(text, None, date(2025, 11, 3)), data_dir=rt.settings.data_dir)
        target = "5.3.1" if before["candidates"][0]["code"] != "5.3.1" else "6.1.1"
        result = s.scalars(select(IdentificationResult).where(IdentificationResult.instrument_id == loan)).one()
        review.submit(s, CLI, result.id, "reassign", "复核：属于该条目", target)
    out = CliRunner().invoke(cli, ["identify-retrain", "--quick", "--json", "--data-dir", str(rt.settings.data_dir),
                                   "--database-url", rt.settings.resolved_database_url])
    assert out.exit_code == 0, out.output
    body = json.loads(out.output)
    assert body["reviews"] == 1 and body["previous"] == "model-1" and body["model"].startswith("model-1r")
    assert {"macro_f1", "item_accuracy_green", "reliability"} <= set(body["before"]) and body["heldout_rows"] > 80
    manifest = json.loads((Path(body["path"]) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reviews"][0]["code"] == target
    assert not set(manifest["dev_ids"]) & {r["id"] for r in training.labelled_rows("heldout")}
    with rt.transaction() as s:
        after = identify(s, Request(text, None, date(2025, 11, 3)), data_dir=rt.settings.data_dir)
        shipped = identify(s, Request(text, None, date(2025, 11, 3)))
    assert after["model"] == body["model"] and after["engine"] == f"rules-1+{body['model']}"
    assert after["candidates"][0]["code"] == target and before["candidates"][0]["code"] != target
    assert shipped["model"] == "model-1"  # without the data dir: the shipped model still
    for p in (Path(rt.settings.data_dir) / text_model.DATA_SUBDIR).iterdir():  # the next test starts clean
        for f in p.iterdir():
            f.unlink()
        p.rmdir()
