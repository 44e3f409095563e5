"""Project environmental benefits after the CBRC 《绿色信贷项目节能减排量测算指引》 (2013), and a loan's share.

What the guideline says that is sourced (shared facts §4.4): fixed-asset projects only; seven
indicators (standard coal saved, CO2, COD, NH3-N, SO2, NOx, water saved); the bank's share is the
project's annual reduction × loan balance ÷ project total investment; renewable power saves
"electricity supplied × previous year's national thermal-power supply coal consumption"; efficiency
retrofits save "(unit consumption before − after) × output".

What is not sourced and therefore the platform's own, labelled so in each method: the CO2 of
renewable power is taken as the displaced grid electricity × the MEE/NBS grid factor (the
guideline's own CO2 coefficient was not found in a readable copy).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lvrongtong.carbon.factors import FactorSource
from lvrongtong.carbon.method import Input, Method, Output, Trace
from lvrongtong.carbon.methods.inventory import GRID_CALIBRES
from lvrongtong.kit.errors import field_error

CBRC_2013 = "原中国银监会《绿色信贷项目节能减排量测算指引》(2013)"


def renewable_power(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Renewable power (hydro, wind, PV, biomass, nuclear): standard coal saved and CO2 avoided per year.

    Inputs: ``electricity_supplied`` (MWh, power supplied to the grid in the year), ``year`` (of
    generation), ``region`` and ``calibre`` of the grid factor.
    Outputs: ``energy_saved`` (tce), ``co2_reduced`` (tCO2).
    Equations: energy_saved = E_supplied × b_(year−1) where b is the national thermal-power supply
    standard-coal consumption of the previous year (gce/kWh) — CBRC 2013, 新能源与可再生能源发电项目;
    co2_reduced = E_supplied × EF_grid(region, year) — platform method (see module docstring).
    Worked example: 10 000 MWh in 2023, b_2022 = 300.7 gce/kWh would give 10 000 000 kWh × 300.7 g
    = 3 007 tce (the value used comes from the factor library, see the trace).
    """
    e_kwh = trace.step("electricity_kwh", f"{inputs['electricity_supplied']} MWh × 1000",
                       inputs["electricity_supplied"] * 1000, "kWh")
    b = trace.factor(factors, "supply_coal_consumption", "thermal_power", year=inputs["year"] - 1,
                     unit="gce/kWh", field_name="year")
    saved = trace.step("energy_saved", f"{e_kwh} kWh × {b} gce/kWh ÷ 10^6", e_kwh * b / Decimal(10**6), "tce")
    ef = trace.factor(factors, "grid_co2", inputs["calibre"], region=inputs["region"], year=inputs["year"],
                      unit="tCO2/MWh", field_name="region")
    co2 = trace.step("co2_reduced", f"{inputs['electricity_supplied']} MWh × {ef} tCO2/MWh（平台方法）",
                     inputs["electricity_supplied"] * ef, "tCO2")
    return {"energy_saved": saved, "co2_reduced": co2}


RENEWABLE_POWER = Method(
    id="benefit.renewable_power",
    title_zh="可再生能源发电项目节能减排量", title_en="Renewable power project: energy saved and CO2 avoided",
    group="benefit",
    inputs=(
        Input("electricity_supplied", "年上网（对外供）电量", "electricity supplied in the year", "MWh"),
        Input("year", "发电年份", "year of generation", kind="year"),
        Input("region", "电网地区", "grid region", kind="region", default="CN", required=False),
        Input("calibre", "电网因子口径", "grid factor calibre", kind="choice", choices=GRID_CALIBRES,
              default="average", required=False),
    ),
    outputs=(Output("energy_saved", "tce", "节约标准煤", "standard coal saved"),
             Output("co2_reduced", "tCO2", "二氧化碳减排量", "CO2 avoided")),
    formula="节能量 = 对外供电量 × 上年度全国火电供电标准煤耗；CO2 = 对外供电量 × EF_grid（平台方法）",
    source=CBRC_2013 + "：新能源与可再生能源发电项目（节能量）；CO2 部分为平台方法，因子取生态环境部、国家统计局电力排放因子",
    verification="secondary",
    compute=renewable_power,
    example={"electricity_supplied": 10000, "year": 2023},
    note="CO2 avoided uses the grid average factor: the platform's method, not the guideline's text.",
)


def efficiency_retrofit(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Energy-efficiency retrofit: energy saved = (unit consumption before − after) × output.

    Inputs: ``unit_consumption_before`` and ``unit_consumption_after`` (kgce per unit of product),
    ``output`` (units of product per year). Output: ``energy_saved`` (tce).
    Source: CBRC 2013, 节能改造项目 (shared facts §4.4).
    Worked example: 120 → 100 kgce/t, 50 000 t/year → 20 × 50 000 / 1 000 = 1 000 tce.
    """
    before, after = inputs["unit_consumption_before"], inputs["unit_consumption_after"]
    if after > before:
        raise field_error("unit_consumption_after", "not_above_before", "改造后单位能耗不能高于改造前",
                          "unit consumption after the retrofit must not exceed the value before")
    saved = trace.step("energy_saved", f"({before} − {after}) kgce × {inputs['output']} ÷ 1000",
                       (before - after) * inputs["output"] / 1000, "tce")
    return {"energy_saved": saved}


EFFICIENCY_RETROFIT = Method(
    id="benefit.efficiency_retrofit",
    title_zh="节能改造项目节能量", title_en="Energy-efficiency retrofit: energy saved",
    group="benefit",
    inputs=(
        Input("unit_consumption_before", "改造前单位产品能耗（kgce/单位产品）", "unit consumption before (kgce/unit)",
              "kgce"),
        Input("unit_consumption_after", "改造后单位产品能耗（kgce/单位产品）", "unit consumption after (kgce/unit)",
              "kgce"),
        Input("output", "年产量（单位产品）", "annual output (units of product)", "1"),
    ),
    outputs=(Output("energy_saved", "tce", "节约标准煤", "standard coal saved"),),
    formula="节能量 = (改造前单位产品能耗 − 改造后单位产品能耗) × 产量",
    source=CBRC_2013 + "：节能改造项目",
    verification="secondary",
    compute=efficiency_retrofit,
    example={"unit_consumption_before": 120, "unit_consumption_after": 100, "output": 50000},
)


def loan_share(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """A loan's share of a project's annual benefit: benefit × loan balance ÷ project total investment.

    Inputs: ``loan_balance`` and ``project_investment`` (CNY), the project's ``energy_saved`` (tce)
    and ``co2_reduced`` (tCO2). Outputs: the attributed figures and ``share`` in [0, 1].
    Source: CBRC 2013 (该行贷款所形成的年减排量 = 项目年减排量 × 该行贷款余额 ÷ 项目总投资; facts §4.4).
    Worked example: balance 30 000 000, investment 120 000 000, 8 000 tCO2 → share 0.25 → 2 000 tCO2.
    """
    balance, investment = inputs["loan_balance"], inputs["project_investment"]
    if balance > investment:
        raise field_error("loan_balance", "balance_within_investment", "贷款余额不能超过项目总投资",
                          "loan balance must not exceed the project's total investment")
    share = trace.step("share", f"{balance} ÷ {investment}", balance / investment, "1")
    out = {"share": share}
    for name, unit in (("energy_saved", "tce"), ("co2_reduced", "tCO2")):
        if inputs.get(name) is not None:
            out[name] = trace.step(name, f"{inputs[name]} {unit} × {share}", inputs[name] * share, unit)
    return out


LOAN_SHARE = Method(
    id="benefit.loan_share",
    title_zh="贷款对应的项目环境效益", title_en="A loan's share of a project's benefit",
    group="benefit",
    inputs=(
        Input("loan_balance", "贷款余额", "loan balance", "CNY"),
        Input("project_investment", "项目总投资", "project total investment", "CNY", exclusive_minimum=True),
        Input("energy_saved", "项目年节约标准煤", "project energy saved per year", "tce", required=False),
        Input("co2_reduced", "项目年二氧化碳减排量", "project CO2 reduced per year", "tCO2", required=False),
    ),
    outputs=(Output("share", "1", "归属比例", "attribution share"),
             Output("energy_saved", "tce", "归属节约标准煤", "attributed energy saved"),
             Output("co2_reduced", "tCO2", "归属二氧化碳减排量", "attributed CO2 reduced")),
    formula="贷款年减排量 = 项目年减排量 × 贷款余额 ÷ 项目总投资",
    source=CBRC_2013,
    verification="secondary",
    compute=loan_share,
    example={"loan_balance": 30000000, "project_investment": 120000000, "co2_reduced": 8000},
)

def methane_capture(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Methane captured and destroyed or used (landfill gas, biogas, coal-mine methane): CO2e avoided.

    Inputs: ``methane`` (t CH4 per year, by mass), ``gwp_report`` (AR5 or AR6).
    Output: ``co2e_reduced`` (tCO2e) = CH4 × GWP100 — the CBRC 2013 guideline counts methane
    projects with a global-warming-potential factor (shared facts §4.4); the GWP value comes from the
    factor library (IPCC AR5 WGI Table 8.7 or AR6 WGI Table 7.SM.7).
    Worked example: 100 t CH4 × 28 (AR5) = 2 800 tCO2e.
    """
    gwp = trace.factor(factors, "gwp", f"CH4:{inputs['gwp_report']}", unit="1", field_name="gwp_report")
    co2e = trace.step("co2e_reduced", f"{inputs['methane']} t CH4 × GWP {gwp}", inputs["methane"] * gwp, "tCO2e")
    return {"co2e_reduced": co2e}


METHANE_CAPTURE = Method(
    id="benefit.methane_capture",
    title_zh="甲烷回收利用项目温室气体减排量", title_en="Methane capture: CO2e avoided",
    group="benefit",
    inputs=(
        Input("methane", "年甲烷回收利用量（质量）", "methane captured per year (mass)", "t"),
        Input("gwp_report", "GWP 取值版本", "GWP report", kind="choice", choices=("AR5", "AR6"), default="AR5",
              required=False),
    ),
    outputs=(Output("co2e_reduced", "tCO2e", "温室气体减排量", "CO2e avoided"),),
    formula="减排量 = 甲烷回收利用量 × GWP100(CH4)",
    source=CBRC_2013 + "：甲烷回收利用项目采用全球变暖潜势折算；GWP 取 IPCC AR5 / AR6",
    verification="secondary",
    compute=methane_capture,
    example={"methane": 100, "gwp_report": "AR5"},
)

METHODS = (RENEWABLE_POWER, EFFICIENCY_RETROFIT, LOAN_SHARE, METHANE_CAPTURE)
