"""Financed emissions after PCAF Standard Part A (2nd edition, Dec 2022), one position at a time.

Financed emissions = AF × emissions of the counterparty (or project, building, vehicle), where the
attribution factor AF = outstanding amount ÷ the asset class's denominator. Shared facts §5:

* listed equity and corporate bonds — denominator EVIC (market capitalisation of ordinary and
  preferred shares at fiscal year end + book value of total debt + minority interests, no cash
  deduction) — read in the PCAF text;
* bonds to private companies — total equity + debt, negative equity set to 0 — read in the text;
  the same denominator for business loans and unlisted equity, and for project finance (the
  project's equity + debt), and value at origination for commercial real estate, mortgages and
  motor-vehicle loans are standard PCAF but were not read in the text here: marked unverified.

The data-quality score (1 best … 5) follows the PCAF option table (1a→1, 1b→2, 2a→2, 2b→3, 3a→4,
3b→5, 3c→5). The PBoC 《金融机构碳核算技术指南(试行)》 exists but its formulas were not retrieved;
nothing here claims to follow it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lvrongtong.carbon.factors import FactorSource
from lvrongtong.carbon.method import Input, Method, Output, Trace
from lvrongtong.kit.errors import field_error

PCAF = "PCAF Global GHG Accounting and Reporting Standard Part A, 2nd ed. (2022)"
DATA_QUALITY = {"1a": 1, "1b": 2, "2a": 2, "2b": 3, "3a": 4, "3b": 5, "3c": 5}


def attribution(outstanding: Decimal, denominator: Decimal, denominator_field: str) -> Decimal:
    """AF = outstanding ÷ denominator, in [0, 1]; a denominator ≤ 0 or below the outstanding is refused."""
    if denominator <= 0:
        raise field_error(denominator_field, "greater_than_zero", "分母（如 EVIC）必须大于 0",
                          f"{denominator_field} must be greater than zero")
    if outstanding > denominator:
        raise field_error(denominator_field, "not_below_outstanding", "投融资余额不能超过分母（归因系数不能大于 1）",
                          f"{denominator_field} must not be below the outstanding amount (attribution factor ≤ 1)")
    return outstanding / denominator


def _compute_for(denominator_field: str, clause: str):
    def compute(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
        outstanding, denominator = inputs["outstanding"], inputs[denominator_field]
        if denominator_field == "equity_plus_debt" and inputs.get("equity") is not None:
            equity = max(inputs["equity"], Decimal(0))
            denominator = trace.step("equity_plus_debt", f"max({inputs['equity']}, 0) + {inputs['debt']}",
                                     equity + inputs["debt"], "CNY")
        af = trace.step("attribution_factor", f"{outstanding} ÷ {denominator}（{clause}）",
                        attribution(outstanding, denominator, denominator_field), "1")
        financed = trace.step("financed_emissions", f"{af} × {inputs['emissions']} tCO2e", af * inputs["emissions"],
                              "tCO2e")
        score = DATA_QUALITY[inputs["data_option"]]
        trace.step("data_quality_score", f"PCAF 选项 {inputs['data_option']} → {score}", Decimal(score), "1")
        return {"attribution_factor": af, "financed_emissions": financed, "data_quality_score": Decimal(score)}
    return compute


_OUTPUTS = (Output("attribution_factor", "1", "归因系数", "attribution factor"),
            Output("financed_emissions", "tCO2e", "投融资排放", "financed emissions"),
            Output("data_quality_score", "1", "数据质量评分（1 最好–5）", "data quality score (1 best – 5)"))


def _common(emissions_label: tuple[str, str]) -> tuple[Input, ...]:
    return (Input("outstanding", "投融资余额", "outstanding amount", "CNY"),
            Input("emissions", *emissions_label, "tCO2e"),
            Input("data_option", "PCAF 数据质量选项", "PCAF data-quality option", kind="choice",
                  choices=tuple(DATA_QUALITY)))


def _method(id_: str, zh: str, en: str, denominator: Input, clause: str, verification: str,
            extra: tuple[Input, ...] = (), emissions=("对象排放（范围一+二）", "counterparty emissions (scope 1+2)"),
            example: dict | None = None) -> Method:
    return Method(
        id=id_, title_zh=zh, title_en=en, group="financed",
        inputs=(*_common(emissions), denominator, *extra),
        outputs=_OUTPUTS,
        formula=f"AF = outstanding ÷ {denominator.name}; FE = AF × emissions",
        source=f"{PCAF}, {clause}",
        verification=verification,
        compute=_compute_for(denominator.name, clause),
        example=example or {},
    )


LISTED = _method("financed.listed_equity_bond", "上市股票与公司债券", "Listed equity and corporate bonds",
                 Input("evic", "企业价值含现金（EVIC）", "enterprise value including cash (EVIC)", "CNY",
                       exclusive_minimum=True),
                 "listed equity and corporate bonds: AF = outstanding ÷ EVIC", "secondary",
                 example={"outstanding": 50000000, "evic": 2000000000, "emissions": 120000, "data_option": "1b"})
BUSINESS = _method("financed.business_loan", "企业贷款与非上市股权", "Business loans and unlisted equity",
                   Input("equity_plus_debt", "所有者权益 + 负债", "total equity + debt", "CNY", required=False,
                         default=Decimal(0)),
                   "business loans and unlisted equity: AF = outstanding ÷ (total equity + debt), negative equity → 0",
                   "unverified",
                   extra=(Input("equity", "所有者权益（可为负）", "total equity (may be negative)", "CNY",
                                required=False, minimum=None),
                          Input("debt", "负债", "total debt", "CNY", required=False, default=Decimal(0))),
                   example={"outstanding": 30000000, "equity": 200000000, "debt": 400000000, "emissions": 60000,
                            "data_option": "2a"})
PROJECT = _method("financed.project_finance", "项目融资", "Project finance",
                  Input("project_equity_plus_debt", "项目权益 + 负债", "project equity + debt", "CNY",
                        exclusive_minimum=True),
                  "project finance: AF = outstanding ÷ (project equity + debt)", "unverified",
                  emissions=("项目排放", "project emissions"),
                  example={"outstanding": 40000000, "project_equity_plus_debt": 200000000, "emissions": 5000,
                           "data_option": "2b"})
REAL_ESTATE = _method("financed.real_estate", "商业地产与住房按揭", "Commercial real estate and mortgages",
                      Input("property_value_at_origination", "发放时物业价值", "property value at origination", "CNY",
                            exclusive_minimum=True),
                      "commercial real estate / mortgages: AF = outstanding ÷ property value at origination",
                      "unverified", emissions=("建筑排放", "building emissions"),
                      example={"outstanding": 3000000, "property_value_at_origination": 5000000, "emissions": 40,
                               "data_option": "3b"})
VEHICLE = _method("financed.motor_vehicle", "机动车贷款", "Motor-vehicle loans",
                  Input("vehicle_value_at_origination", "发放时车辆价值", "vehicle value at origination", "CNY",
                        exclusive_minimum=True),
                  "motor-vehicle loans: AF = outstanding ÷ vehicle value at origination", "unverified",
                  emissions=("车辆排放", "vehicle emissions"),
                  example={"outstanding": 120000, "vehicle_value_at_origination": 200000, "emissions": 3,
                           "data_option": "3a"})

METHODS = (LISTED, BUSINESS, PROJECT, REAL_ESTATE, VEHICLE)
