"""The account's documents: the carbon credit report (碳信用报告) and the environmental benefit evaluation.

Both are assembled from what the caller may see of the account (``access.py``): a bank without a live
consent gets "not found"; a section outside its consent scope is left out and the report says so.
Rendering (HTML, PDF) is in ``documents.py``; this module only gathers and computes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from lvrongtong.accounts import charts, rules, service
from lvrongtong.accounts.profile import profile
from lvrongtong.kit.errors import field_error
from lvrongtong.kit.principal import Principal

SCOPE_COLOURS = {"1": "#8c6d1f", "2": "#1b7f4b"}


def credit_report(session: Session, who: Principal, uscc: str, period: str, *, min_sample: int = 5,
                  schemes_file: Path | None = None) -> dict:
    """Profile, inventory with factors and sources, intensity vs benchmark, rating with reasons and method,
    data completeness, carbon assets, green financing received — and the charts."""
    p = profile(session, who, uscc, period, min_sample=min_sample, schemes_file=schemes_file)
    s = p["summary"]
    out = {"kind": "credit", "title_zh": "碳信用报告", "title_en": "Carbon credit report", "summary": s,
           "tags": p["tags"], "green_financing": p["green_financing"], "trend": p["trend"],
           "generated_at": datetime.now(UTC).isoformat(timespec="seconds"), "assets": None, "charts": {},
           "omitted": [i for i in ("inventory", "indicators", "rating") if i not in s]
           + ([] if p["links"]["assets"] else ["assets"])}
    if p["links"]["assets"]:
        from lvrongtong.accounts import assets

        out["assets"] = assets.holdings(session, who, uscc)
    if p["months"]:
        out["charts"]["months"] = charts.bars(
            "chart-months", "逐月排放 Monthly emissions (tCO2e)", [m["label"][5:] for m in p["months"]],
            [("范围一 scope 1", [m["scope1"] for m in p["months"]], SCOPE_COLOURS["1"]),
             ("范围二 scope 2", [m["scope2"] for m in p["months"]], SCOPE_COLOURS["2"])], stacked=True)
    if "indicators" in s:
        out["charts"]["benchmark"] = _benchmark_chart(s)
    if p["trend"]:
        out["charts"]["trend"] = charts.line(
            "chart-trend", "平台评级得分趋势 Rating score trend", [t["period"] for t in p["trend"]],
            [None if t["score"] is None else float(t["score"]) for t in p["trend"]], top=100,
            labels=[t["colour"] or "" for t in p["trend"]])
    return out


def _benchmark_chart(s: dict) -> str:
    ind, bench = s["indicators"], s["benchmark"]
    cats, own, ref = [], [], []
    for key, basis, label in (("intensity_output_t_per_10k_cny", "output", "单位产值 per output"),
                              ("intensity_value_added_t_per_10k_cny", "value_added", "单位增加值 per value added")):
        cats.append(label)
        own.append(_float(ind.get(key)))
        ref.append(_float(bench[basis]["value"]) if bench[basis]["usable"] else None)
    return charts.bars("chart-benchmark", "强度与行业基准 Intensity vs benchmark (tCO2e/万元)", cats,
                       [("本企业 this firm", own, "#1b7f4b"), ("行业基准 benchmark", ref, "#999999")])


def _float(v) -> float | None:
    return None if v is None else float(v)


# ---------------------------------------------------------------- environmental benefit evaluation

METHOD = {
    "id": "platform.benefit.before-after.v1",
    "zh": ("同一账户两个同类报告期对比（措施实施前的基准期 vs 实施后的评估期）。绝对减排量 ΔE = E基准 − E评估（分范围）；"
           "按产出归一的减排量 = I基准 × Q评估 − E评估，其中 I 为单位产值（或单位产品）排放强度、Q 为评估期产值（或产量），"
           "即“若仍按基准期强度生产评估期产出将排放多少”减去实际排放。排放量来自账户清单（碳排放核算引擎，附因子与来源）。"
           "该方法为平台选择，未对照某一官方评价标准核实；差异可能含措施以外的因素（电网因子年份、产品结构、数据完整度）。"),
    "en": ("Two reporting periods of the same kind of one account (baseline before the measure vs the period after it). "
           "Absolute reduction ΔE = E_baseline − E_post per scope; output-normalised reduction = I_baseline × Q_post − "
           "E_post, where I is emissions per unit of output value (or per unit of product) and Q the post period's output: "
           "what the post output would have emitted at the baseline intensity, minus actual emissions. Emissions come "
           "from the account inventory (carbon engine, with factors and sources). The method is the platform's choice, "
           "not checked against an official evaluation standard; differences may include factors other than the "
           "measure (grid-factor year, product mix, data completeness)."),
}


def benefit_evaluation(session: Session, who: Principal, uscc: str, baseline: str, post: str, measure: str = "",
                       *, min_sample: int = 5, schemes_file: Path | None = None) -> dict:
    b, a = rules.parse_period(baseline), rules.parse_period(post)
    if b.kind != a.kind:
        raise field_error("post", "same_period_kind", "基准期与评估期须为同类报告期（同为年、季或月）",
                          "baseline and post must be periods of the same kind (year, quarter or month)")
    if a.starts_on <= b.ends_on:
        raise field_error("post", "post_after_baseline", "评估期须晚于基准期", "post must come after the baseline")
    opened, grant = service.for_read(session, who, uscc)
    if not (grant.allows("inventory") and grant.allows("indicators")):
        service.for_read(session, who, uscc, "inventory" if not grant.allows("inventory") else "indicators")
    vb = service.view(session, who, uscc, b.label, min_sample=min_sample, schemes_file=schemes_file)
    va = service.view(session, who, uscc, a.label, min_sample=min_sample, schemes_file=schemes_file)
    scopes = []
    for key, label in (("scope1_tco2e", "范围一 scope 1"), ("scope2_tco2e", "范围二 scope 2"),
                       ("total_tco2e", "合计 total")):
        eb, ea = Decimal(vb["inventory"][key]), Decimal(va["inventory"][key])
        scopes.append({"scope": key, "label": label, "baseline": _p(eb), "post": _p(ea), "reduction": _p(eb - ea),
                       "reduction_pct": _p(((eb - ea) / eb * 100).quantize(Decimal("0.1"))) if eb else None})
    per_unit = [_normalised(vb, va, "output_value_cny", "intensity_output_t_per_10k_cny", Decimal(10_000),
                            "单位产值 per 万元 output value", "tCO2e/万元"),
                _normalised(vb, va, "product_quantity", "intensity_product_t_per_unit", Decimal(1),
                            "单位产品 per unit of product",
                            f"tCO2e/{(va.get('denominators') or {}).get('product_unit') or 'unit'}")]
    chart = charts.bars("chart-benefit", "措施前后排放 Emissions before / after (tCO2e)",
                        [s["label"] for s in scopes],
                        [(f"基准期 {b.label}", [float(s["baseline"]) for s in scopes], "#999999"),
                         (f"评估期 {a.label}", [float(s["post"]) for s in scopes], "#1b7f4b")])
    return {"kind": "benefit", "title_zh": "环境效益评估", "title_en": "Environmental benefit evaluation",
            "uscc": vb["uscc"], "name": vb["name"], "synthetic": vb["synthetic"], "industry_code": vb["industry_code"],
            "access": vb["access"], "measure": measure, "baseline": b.label, "post": a.label, "scopes": scopes,
            "per_unit": [u for u in per_unit if u is not None], "method": METHOD,
            "completeness": {"baseline": vb["inventory"]["completeness"], "post": va["inventory"]["completeness"]},
            "charts": {"benefit": chart}, "generated_at": datetime.now(UTC).isoformat(timespec="seconds")}


def _normalised(vb: dict, va: dict, den_key: str, ind_key: str, scale: Decimal, label: str, unit: str) -> dict | None:
    ib, ia = vb["indicators"].get(ind_key), va["indicators"].get(ind_key)
    q = va["denominators"].get(den_key)
    if ib is None or ia is None or q is None:
        return None
    ib, ia = Decimal(ib), Decimal(ia)
    counterfactual = ib * Decimal(q) / scale
    actual = Decimal(va["inventory"]["total_tco2e"])
    return {"basis": den_key, "label": label, "unit": unit, "baseline_intensity": _p(ib), "post_intensity": _p(ia),
            "intensity_change_pct": _p(((ib - ia) / ib * 100).quantize(Decimal("0.1"))) if ib else None,
            "counterfactual_tco2e": _p(counterfactual), "actual_tco2e": _p(actual),
            "avoided_tco2e": _p(counterfactual - actual)}


def _p(v):
    return service._plain(v)
