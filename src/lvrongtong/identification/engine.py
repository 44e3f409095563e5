"""Identify one description: which catalogue applies, candidates with evidence, a decision and a plain
Chinese explanation. Thresholds (platform's, to be calibrated on the labelled evaluation set):
confidence ≥ 0.75 → green; ≥ 0.35 → needs review; in a transition sector and not green → transition;
otherwise not eligible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from threading import Lock

from sqlalchemy.orm import Session

from lvrongtong.identification.rules import CJK, ENGINE_VERSION, MAX_TEXT, RuleIndex, candidates, coal_exclusion
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


def identify(session: Session, req: Request, today: date | None = None) -> dict:
    from lvrongtong.reference.models import Industry

    req = check(req, lambda code: session.get(Industry, code) is not None)
    version = version_for(req.kind, req.approved_on or today or date.today())
    index = index_for(session, version)
    return decide(index, req, catalogues.get_catalogue(session, version).title_zh)


def decide(index: RuleIndex, req: Request, title: str) -> dict:
    text = req.text[:MAX_TEXT]
    notes = [f"描述超过 {MAX_TEXT} 字，只识别前 {MAX_TEXT} 字 / text longer than {MAX_TEXT} characters: the first "
             f"{MAX_TEXT} were used"] if len(req.text) > MAX_TEXT else []
    found = candidates(index, text, req.industry_code)
    excluded = coal_exclusion(text)
    sector = transition.sector_for(req.industry_code) if req.industry_code else None
    top = found[0] if found else None
    confidence = top.confidence if top else 0.0
    if len(CJK.findall(text)) < 4 and not found:
        decision, reason = "needs_review", ("描述过短或不含中文，无法识别", "description too short or not Chinese")
    elif excluded:
        decision = "transition" if sector else "not_eligible"
        reason = (f"涉及煤炭利用（{excluded}），该类条目已从2021年版债券目录和2025年版目录删除",
                  f"coal utilisation ({excluded}): such items were removed from the 2021 and 2025 catalogues")
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
        "decision": decision, "catalogue": index.version, "catalogue_title": title, "engine": ENGINE_VERSION,
        "calibrated": False, "reason_zh": reason[0], "reason_en": reason[1], "notes": notes,
        "transition_sector": sector["sector"] if sector else None,
        "candidates": [{"code": c.item.code, "name": c.item.name, "level1_code": c.item.level1_code,
                        "level1_name": c.item.level1_name, "confidence": round(c.confidence, 4),
                        "evidence": {"phrases": c.phrases, "industry_fit": c.industry_fit,
                                     "criteria_not_met": [f"名称限定词“{q}”未在描述中出现 / qualifier '{q}' absent"
                                                          for q in c.unmet],
                                     "activity_mismatch": c.activity_mismatch,
                                     "exclusions": [excluded] if excluded else []}} for c in found],
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
        parts.append(f"描述中出现{phrases}，最接近条目 {c['code']} {c['name']}（{c['level1_name']}，置信度 {c['confidence']:.2f}）")
        parts.append(f"行业代码：{FIT_ZH[c['evidence']['industry_fit']]}")
        if c["evidence"]["criteria_not_met"]:
            parts.append("未满足：" + "、".join(x.split(" / ")[0] for x in c["evidence"]["criteria_not_met"]))
    else:
        parts.append("描述未命中任何目录条目的关键词")
    parts.append(f"理由：{r['reason_zh']}")
    parts.append(f"结论：{DECISION_ZH[r['decision']]}。置信度尚未经标注样本校准")
    return "；".join(parts) + "。"
