"""Identify one description: which catalogue applies, candidates with evidence, a decision and a plain
Chinese explanation.

Two layers: the rule layer (``rules-1``, rules.py) finds and explains candidate items; the statistical
layer (``model-1``, model.py) re-ranks them with item probabilities and gives a calibrated P(green).
With the model: P(green) ≥ 0.75 → green (unless the top item's named criteria are not met: then review);
≥ 0.35 → needs review; otherwise transition in a transition sector, else not eligible. A candidate's
confidence is P(green) · P(item | green), calibrated on the dev half. Without a model (``model=None``) the
rule layer decides alone with its uncalibrated confidence and the same thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from threading import Lock

from sqlalchemy.orm import Session

from lvrongtong.identification import model as text_model
from lvrongtong.identification.rules import (
    CJK,
    MAX_TEXT,
    RULES_VERSION,
    Candidate,
    RuleIndex,
    activities_in,
    assess,
    candidates,
    coal_exclusion,
)
from lvrongtong.kit.errors import FieldError, ValidationFailed
from lvrongtong.reference import catalogues, transition
from lvrongtong.reference.catalogue_rules import version_for

GREEN, REVIEW = 0.75, 0.35
_INDEXES: dict[tuple[str, str], RuleIndex] = {}
_LOCK = Lock()


def index_for(session: Session, version: str) -> RuleIndex:
    """The rule index of a catalogue version, rebuilt when the catalogue's content changes (re-import)."""
    cat = catalogues.get_catalogue(session, version)
    key = (version, cat.sha256)
    with _LOCK:
        if key not in _INDEXES:
            items = [{"code": i.code, "level": i.level, "name_zh": i.name_zh, "scope_zh": i.scope_zh,
                      "industry_classes": i.industry_classes} for i in catalogues.list_items(session, version)]
            _INDEXES[key] = RuleIndex(version, items)
        return _INDEXES[key]


@lru_cache(maxsize=4096)
def _sector(industry_code: str) -> dict | None:
    """The transition sector of an industry code (read from a data file: cached per code)."""
    return transition.sector_for(industry_code)


@dataclass(frozen=True)
class Request:
    text: str
    industry_code: str | None = None
    approved_on: date | None = None
    kind: str = "loan"  # loan (approval date) / bond (registration date)


def check(req: Request, known_industry) -> Request:
    problems = []
    text = (req.text or "").strip()
    if req.industry_code and not known_industry(req.industry_code):
        problems.append(FieldError("industry_code", "industry_unknown", f"行业代码 {req.industry_code} 不在 GB/T 4754-2017 中",
                                   f"industry code {req.industry_code} is not in GB/T 4754-2017"))
    if req.kind not in ("loan", "bond"):
        problems.append(FieldError("kind", "choice", "kind 应为 loan 或 bond", "kind must be loan or bond"))
    if problems:
        raise ValidationFailed(problems)
    return Request(text, req.industry_code or None, req.approved_on, req.kind)


def engine_version(model: text_model.TextModel | None) -> str:
    """What produced a result: the rule layer, plus the model when one was used (stored per result)."""
    return f"{RULES_VERSION}+{model.version}" if model is not None else RULES_VERSION


def identify(session: Session, req: Request, today: date | None = None, data_dir: Path | None = None) -> dict:
    """Identify with the newest model in ``data_dir`` (retrained), else the shipped one."""
    from lvrongtong.reference.models import Industry

    req = check(req, lambda code: session.get(Industry, code) is not None)
    version = version_for(req.kind, req.approved_on or today or date.today())
    index = index_for(session, version)
    return decide(index, req, catalogues.get_catalogue(session, version).title_zh, text_model.current(data_dir))


def _ranked(index: RuleIndex, text: str, req: Request, model) -> tuple[list[Candidate], list[float], float | None]:
    """Candidates, their confidences and P(green) (None without a model)."""
    if model is None:
        found = candidates(index, text, req.industry_code)
        return found, [c.confidence for c in found], None
    found = candidates(index, text, req.industry_code, limit=20)
    p_green, top = model.score(text, index.version, {c.item.code: c.confidence for c in found})
    if not top:  # no item head for this catalogue: the rules rank, P(green) still calibrated
        return found[:5], [p_green * c.confidence for c in found[:5]], p_green
    by_code = {c.item.code: c for c in found}
    activities = activities_in(text)
    ranked, confidences = [], []
    for code, p_item in top:
        if code in index.items:
            c = by_code.get(code) or assess(index.items[code], text, req.industry_code, activities)
            c.phrases = sorted(c.phrases, key=len, reverse=True)
            ranked.append(c)
            confidences.append(p_green * p_item)
    return ranked, confidences, p_green


def decide(index: RuleIndex, req: Request, title: str, model: text_model.TextModel | None = None) -> dict:
    text = req.text[:MAX_TEXT]
    notes = [f"描述超过 {MAX_TEXT} 字，只识别前 {MAX_TEXT} 字 / text longer than {MAX_TEXT} characters: the first "
             f"{MAX_TEXT} were used"] if len(req.text) > MAX_TEXT else []
    found, confidences, p_green = _ranked(index, text, req, model)
    excluded = coal_exclusion(text)
    sector = _sector(req.industry_code) if req.industry_code else None
    top = found[0] if found else None
    confidence = p_green if p_green is not None else (confidences[0] if found else 0.0)
    if len(CJK.findall(text)) < 4 and not (found and found[0].phrases):
        decision, reason = "needs_review", ("描述过短或不含中文，无法识别", "description too short or not Chinese")
    elif excluded:
        decision = "transition" if sector else "not_eligible"
        reason = (f"涉及煤炭利用（{excluded}），该类条目已从2021年版债券目录和2025年版目录删除",
                  f"coal utilisation ({excluded}): such items were removed from the 2021 and 2025 catalogues")
    elif top and confidence >= GREEN and p_green is not None and top.unmet:
        decision, reason = "needs_review", ("最可能的条目名称中的限定条件未在描述中出现，需人工复核",
                                           "the best item's named criteria are not in the text: a reviewer should decide")
    elif top and confidence >= GREEN:
        decision, reason = "green", ("与目录条目高度匹配", "strong match with a catalogue item")
    elif top and confidence >= REVIEW:
        decision, reason = "needs_review", ("与目录条目部分匹配，需人工复核", "partial match: a reviewer should decide")
    elif sector:
        decision, reason = "transition", (f"属于转型行业“{sector['name_zh']}”，需按转型方案评估",
                                          f"in transition sector {sector['name_en']}: assess its transition plan")
    else:
        decision, reason = "not_eligible", ("未匹配任何目录条目", "no catalogue item matches")
    result = {
        "decision": decision, "catalogue": index.version, "catalogue_title": title, "engine": engine_version(model),
        "model": model.version if model is not None else None,
        "calibrated": bool(model is not None and model.heads.get(index.version)),
        "green_probability": round(p_green, 4) if p_green is not None else None,
        "reason_zh": reason[0], "reason_en": reason[1], "notes": notes,
        "transition_sector": sector["sector"] if sector else None,
        "candidates": [{"code": c.item.code, "name": c.item.name, "level1_code": c.item.level1_code,
                        "level1_name": c.item.level1_name, "confidence": round(conf, 4),
                        "evidence": {"phrases": c.phrases, "industry_fit": c.industry_fit,
                                     "criteria_not_met": [f"名称限定词“{q}”未在描述中出现 / qualifier '{q}' absent"
                                                          for q in c.unmet],
                                     "activity_mismatch": c.activity_mismatch,
                                     "exclusions": [excluded] if excluded else []}}
                       for c, conf in zip(found, confidences, strict=True)],
    }
    result["explanation_zh"] = explain(result)
    return result


FIT_ZH = {"same_class": "与条目所列行业小类一致", "same_group": "与条目所列行业同一中类", "same_division": "与条目所列行业同一大类",
          "no_fit": "不在条目所列行业范围内", "not_listed": "条目未列行业代码", "not_given": "未提供行业代码"}
DECISION_ZH = {"green": "绿色", "transition": "转型（需评估转型方案）", "not_eligible": "不符合", "needs_review": "需人工复核"}


def explain(r: dict) -> str:
    """One paragraph a credit officer reads: catalogue, best item, phrases, industry fit, exclusions, decision."""
    parts = [f"依据《{r['catalogue_title']}》"]
    if r["candidates"]:
        c = r["candidates"][0]
        phrases = "、".join(f"“{p}”" for p in c["evidence"]["phrases"][:4])
        said = f"描述中出现{phrases}，" if phrases else "文本模型判断"
        parts.append(f"{said}最接近条目 {c['code']} {c['name']}（{c['level1_name']}，置信度 {c['confidence']:.2f}）")
        parts.append(f"行业代码：{FIT_ZH[c['evidence']['industry_fit']]}")
        if c["evidence"]["criteria_not_met"]:
            parts.append("未满足：" + "、".join(x.split(" / ")[0] for x in c["evidence"]["criteria_not_met"]))
    else:
        parts.append("描述未命中任何目录条目的关键词")
    parts.append(f"理由：{r['reason_zh']}")
    if r["green_probability"] is not None:
        parts.append(f"属于绿色的概率 {r['green_probability']:.2f}")
    calibrated = "置信度已在标注样本（开发集）上校准" if r["calibrated"] else "置信度尚未经标注样本校准"
    parts.append(f"结论：{DECISION_ZH[r['decision']]}。{calibrated}（{r['engine']}）")
    return "；".join(parts) + "。"
