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
from lvrongtong.carbon.methods.inventory import GRID_CALIBRES, GRID_REGION, GWP_REPORT, YEAR, grid_factor
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
    ef = grid_factor(trace, factors, inputs, inputs["calibre"])
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
        GRID_REGION,
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
        GWP_REPORT,
    ),
    outputs=(Output("co2e_reduced", "tCO2e", "温室气体减排量", "CO2e avoided"),),
    formula="减排量 = 甲烷回收利用量 × GWP100(CH4)",
    source=CBRC_2013 + "：甲烷回收利用项目采用全球变暖潜势折算；GWP 取 IPCC AR5 / AR6",
    verification="secondary",
    compute=methane_capture,
    example={"methane": 100, "gwp_report": "AR5"},
)

def building_efficiency(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Building energy efficiency: electricity saved = (reference − design intensity) × floor area; CO2 by
    the grid factor. The CBRC "(before − after) × output" principle applied per m² (platform method).

    Inputs: ``floor_area`` (m2), ``reference_intensity`` and ``design_intensity`` (kWh/m2/year),
    ``year``, ``region``. Outputs: ``electricity_saved`` (MWh), ``co2_reduced`` (tCO2).
    Worked example: 50 000 m2 × (120 − 70) kWh/m2 = 2 500 MWh; 2022 华中 0.5395 → 1 348.75 tCO2.
    """
    if inputs["design_intensity"] > inputs["reference_intensity"]:
        raise field_error("design_intensity", "not_above_reference", "设计能耗强度不能高于参照强度",
                          "design intensity must not exceed the reference intensity")
    saved = trace.step("electricity_saved", f"{inputs['floor_area']} m2 × ({inputs['reference_intensity']} − "
                                            f"{inputs['design_intensity']}) kWh/m2 ÷ 1000",
                       inputs["floor_area"] * (inputs["reference_intensity"] - inputs["design_intensity"]) / 1000, "MWh")
    ef = grid_factor(trace, factors, inputs)
    return {"electricity_saved": saved, "co2_reduced": trace.step("co2_reduced", f"{saved} MWh × {ef}", saved * ef,
                                                                  "tCO2")}


BUILDING_EFFICIENCY = Method(
    id="benefit.building_efficiency",
    title_zh="建筑节能项目节电量与减排量", title_en="Building energy efficiency: electricity saved and CO2",
    group="benefit",
    inputs=(Input("floor_area", "建筑面积", "floor area", "m2"),
            Input("reference_intensity", "参照建筑年耗电强度（kWh/m2）", "reference intensity (kWh/m2/yr)", "1"),
            Input("design_intensity", "设计年耗电强度（kWh/m2）", "design intensity (kWh/m2/yr)", "1"),
            YEAR, GRID_REGION),
    outputs=(Output("electricity_saved", "MWh", "年节电量", "electricity saved"),
             Output("co2_reduced", "tCO2", "二氧化碳减排量", "CO2 reduced")),
    formula="节电量 = 建筑面积 × (参照强度 − 设计强度)；CO2 = 节电量 × EF_grid",
    source=CBRC_2013 + " 节能量原则（改造前后之差）按单位面积应用 — 平台方法；因子：生态环境部、国家统计局电力排放因子",
    verification="platform",
    compute=building_efficiency,
    example={"floor_area": 50000, "reference_intensity": 120, "design_intensity": 70, "year": 2022,
             "region": "grid:central"},
)


def electric_vehicles(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Clean transport (electric buses, trucks; electrified rail): diesel or gasoline no longer burned
    minus the grid electricity now used (platform method; combustion and grid factors from the library).

    Inputs: ``fuel`` (柴油 / 汽油), ``fuel_replaced`` (t per year), ``electricity_used`` (MWh per year),
    ``year``, ``region``. Outputs: ``baseline``, ``project``, ``co2_reduced`` (tCO2).
    Worked example: 1 000 t diesel → 1 000 × 42.652 GJ/t × 0.0202 tC/GJ × 0.98 × 44/12 = 3 095.91 t;
    minus 4 000 MWh × 0.5306 (2023 national) = 2 122.4 t → 973.51 tCO2.
    """
    base_trace = Trace("inventory.scope1.combustion", {})
    from lvrongtong.carbon.methods.inventory import fuel_combustion

    baseline = fuel_combustion({"fuel": inputs["fuel"], "consumption": inputs["fuel_replaced"],
                                "consumption_unit": "t"}, factors, base_trace)["emissions"]
    trace.factors += base_trace.factors
    trace.steps += base_trace.steps
    baseline = trace.step("baseline", f"{inputs['fuel_replaced']} t {inputs['fuel']} 燃烧排放", baseline, "tCO2")
    ef = grid_factor(trace, factors, inputs)
    project = trace.step("project", f"{inputs['electricity_used']} MWh × {ef}", inputs["electricity_used"] * ef, "tCO2")
    return {"baseline": baseline, "project": project,
            "co2_reduced": trace.step("co2_reduced", f"{baseline} − {project}", baseline - project, "tCO2")}


ELECTRIC_VEHICLES = Method(
    id="benefit.clean_transport",
    title_zh="清洁交通（电动车辆、电气化轨道）减排量", title_en="Clean transport: CO2 avoided",
    group="benefit",
    inputs=(Input("fuel", "被替代燃料", "fuel replaced", kind="choice", choices=("柴油", "汽油"), default="柴油",
                  required=False),
            Input("fuel_replaced", "年替代燃料量", "fuel no longer burned per year", "t"),
            Input("electricity_used", "年用电量", "electricity used per year", "MWh"),
            YEAR, GRID_REGION),
    outputs=(Output("baseline", "tCO2", "基准线排放", "baseline emissions"),
             Output("project", "tCO2", "项目排放", "project emissions"),
             Output("co2_reduced", "tCO2", "二氧化碳减排量", "CO2 avoided")),
    formula="减排量 = 被替代燃料燃烧排放 − 用电量 × EF_grid",
    source="平台方法：燃料燃烧（GB/T 32150-2015）与电网因子（生态环境部、国家统计局）之差",
    verification="platform",
    compute=electric_vehicles,
    example={"fuel_replaced": 1000, "electricity_used": 4000, "year": 2023},
)


def gas_substitution(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Natural gas replacing coal: the baseline is coal giving the same heat; only CO2 is counted, not coal
    saved (CBRC 2013, shared facts §4.4). The coal's carbon content and oxidation rate are inputs (the
    library ships no coal defaults: public copies disagree).

    Inputs: ``gas`` (万Nm3 per year), ``coal_carbon_content`` (tC/GJ), ``coal_oxidation_rate`` (%).
    Worked example: 100 万Nm3 × 389.31 GJ = 38 931 GJ; coal 38 931 × 0.0261 × 0.93 × 44/12 = 3 464.90 t;
    gas 38 931 × 0.01532 × 0.99 × 44/12 = 2 165.02 t → 1 299.88 tCO2.
    """
    ncv = trace.factor(factors, "ncv", "天然气", unit="GJ/万Nm3", field_name="gas")
    heat = trace.step("heat", f"{inputs['gas']} 万Nm3 × {ncv} GJ/万Nm3", inputs["gas"] * ncv, "GJ")
    cc_gas = trace.factor(factors, "carbon_content", "天然气", unit="tC/GJ")
    of_gas = trace.factor(factors, "oxidation_rate", "天然气", unit="1")
    project = trace.step("project", f"{heat} GJ × {cc_gas} × {of_gas} × 44/12", heat * cc_gas * of_gas * 44 / 12, "tCO2")
    baseline = trace.step("baseline", f"{heat} GJ × {inputs['coal_carbon_content']} × "
                                      f"{inputs['coal_oxidation_rate']} % × 44/12（同热量燃煤）",
                          heat * inputs["coal_carbon_content"] * inputs["coal_oxidation_rate"] / 100 * 44 / 12, "tCO2")
    return {"baseline": baseline, "project": project,
            "co2_reduced": trace.step("co2_reduced", f"{baseline} − {project}", baseline - project, "tCO2")}


GAS_SUBSTITUTION = Method(
    id="benefit.gas_substitution",
    title_zh="天然气替代燃煤减排量", title_en="Natural gas replacing coal: CO2 avoided",
    group="benefit",
    inputs=(Input("gas", "年天然气用量", "natural gas used per year", "万Nm3"),
            Input("coal_carbon_content", "被替代煤的单位热值含碳量", "replaced coal: carbon per heat value", "tC/GJ"),
            Input("coal_oxidation_rate", "被替代煤的碳氧化率（%）", "replaced coal: oxidation rate (%)", "%",
                  maximum=Decimal(100))),
    outputs=(Output("baseline", "tCO2", "基准线（同热量燃煤）排放", "baseline (coal, same heat)"),
             Output("project", "tCO2", "天然气燃烧排放", "gas combustion"),
             Output("co2_reduced", "tCO2", "二氧化碳减排量", "CO2 avoided")),
    formula="减排量 = 热量 × (CC_coal × OF_coal − CC_gas × OF_gas) × 44/12，热量 = 天然气量 × NCV_gas",
    source=CBRC_2013 + "：天然气利用项目以同热量燃煤为基准线，只计二氧化碳",
    verification="secondary",
    compute=gas_substitution,
    example={"gas": 100, "coal_carbon_content": "0.0261", "coal_oxidation_rate": 93},
)


def wastewater(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Wastewater treatment: pollutant removed = treated volume × (inflow − outflow concentration).

    Inputs: ``volume`` (万m3 per year), ``cod_in``/``cod_out`` and ``nh3n_in``/``nh3n_out`` (mg/L).
    Outputs: ``cod_reduced``, ``nh3n_reduced`` (t). 1 mg/L × 1 m3 = 1 g (mass balance; platform method for
    two of the CBRC guideline's seven indicators).
    Worked example: 365 万m3 × (300 − 50) mg/L = 3 650 000 m3 × 250 g/m3 = 912.5 t COD.
    """
    m3 = trace.step("volume_m3", f"{inputs['volume']} 万m3 × 10^4", inputs["volume"] * 10000, "m3")
    return _removed(inputs, trace, m3, "m3", "mg/L", 1_000_000,
                    (("cod_reduced", "cod_in", "cod_out"), ("nh3n_reduced", "nh3n_in", "nh3n_out")))


def _removed(inputs: dict[str, Any], trace: Trace, volume: Decimal, volume_unit: str, conc_unit: str, per_tonne: int,
             pollutants: tuple[tuple[str, str, str], ...]) -> dict[str, Decimal]:
    """Mass balance per pollutant: t = volume × (concentration in − out) ÷ per_tonne, where per_tonne turns
    volume × concentration into tonnes (m3 × mg/L = g → 10^6; Nm3 × mg/Nm3 = mg → 10^9)."""
    out = {}
    for name, inflow, outflow in pollutants:
        if inputs[outflow] > inputs[inflow]:
            raise field_error(outflow, "not_above_inflow", "处理后浓度不能高于处理前",
                              "concentration after treatment must not exceed before")
        out[name] = trace.step(name, f"{volume} {volume_unit} × ({inputs[inflow]} − {inputs[outflow]}) {conc_unit} ÷ "
                                     f"{per_tonne}", volume * (inputs[inflow] - inputs[outflow]) / per_tonne, "t")
    return out


WASTEWATER = Method(
    id="benefit.wastewater",
    title_zh="污水处理项目污染物削减量", title_en="Wastewater treatment: COD and NH3-N removed",
    group="benefit",
    inputs=(Input("volume", "年处理水量", "volume treated per year", "万m3"),
            Input("cod_in", "进水 COD（mg/L）", "COD in (mg/L)", "1"), Input("cod_out", "出水 COD（mg/L）", "COD out", "1"),
            Input("nh3n_in", "进水氨氮（mg/L）", "NH3-N in (mg/L)", "1", required=False, default=Decimal(0)),
            Input("nh3n_out", "出水氨氮（mg/L）", "NH3-N out (mg/L)", "1", required=False, default=Decimal(0))),
    outputs=(Output("cod_reduced", "t", "COD 削减量", "COD removed"), Output("nh3n_reduced", "t", "氨氮削减量", "NH3-N removed")),
    formula="削减量 = 处理水量 × (进水浓度 − 出水浓度)",
    source=CBRC_2013 + " 七项指标之 COD、氨氮 — 物料衡算（平台方法）",
    verification="platform",
    compute=wastewater,
    example={"volume": 365, "cod_in": 300, "cod_out": 50, "nh3n_in": 30, "nh3n_out": 5},
)


def flue_gas(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Flue-gas treatment (desulphurisation, denitrification): pollutant removed = flue-gas volume ×
    (concentration before − after treatment) — mass balance, the platform's method for two of the CBRC
    guideline's seven indicators (SO2, NOx).

    Inputs: ``flue_gas`` (万Nm3 per year), ``so2_before``/``so2_after``, ``nox_before``/``nox_after`` (mg/Nm3).
    Outputs: ``so2_reduced``, ``nox_reduced`` (t). 1 mg/Nm3 × 10⁴ Nm3 = 10 g.
    Worked example: 200 000 万Nm3 × (800 − 35) mg/Nm3 = 2 × 10⁹ Nm3 × 765 mg = 1 530 t SO2.
    """
    nm3 = trace.step("volume_nm3", f"{inputs['flue_gas']} 万Nm3 × 10^4", inputs["flue_gas"] * 10000, "Nm3")
    return _removed(inputs, trace, nm3, "Nm3", "mg/Nm3", 1_000_000_000,
                    (("so2_reduced", "so2_before", "so2_after"), ("nox_reduced", "nox_before", "nox_after")))


FLUE_GAS = Method(
    id="benefit.flue_gas",
    title_zh="烟气治理项目 SO2、NOx 削减量", title_en="Flue-gas treatment: SO2 and NOx removed",
    group="benefit",
    inputs=(Input("flue_gas", "年烟气量", "flue gas per year", "万Nm3"),
            Input("so2_before", "处理前 SO2（mg/Nm3）", "SO2 before (mg/Nm3)", "1", required=False, default=Decimal(0)),
            Input("so2_after", "处理后 SO2（mg/Nm3）", "SO2 after (mg/Nm3)", "1", required=False, default=Decimal(0)),
            Input("nox_before", "处理前 NOx（mg/Nm3）", "NOx before (mg/Nm3)", "1", required=False, default=Decimal(0)),
            Input("nox_after", "处理后 NOx（mg/Nm3）", "NOx after (mg/Nm3)", "1", required=False, default=Decimal(0))),
    outputs=(Output("so2_reduced", "t", "SO2 削减量", "SO2 removed"), Output("nox_reduced", "t", "NOx 削减量", "NOx removed")),
    formula="削减量 = 烟气量 × (处理前浓度 − 处理后浓度)",
    source=CBRC_2013 + " 七项指标之 SO2、NOx — 物料衡算（平台方法）",
    verification="platform",
    compute=flue_gas,
    example={"flue_gas": 200000, "so2_before": 800, "so2_after": 35, "nox_before": 400, "nox_after": 50},
)


def water_saving(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Water saving: (water use per unit before − after) × output — the CBRC "before − after" principle
    applied to water, the seventh indicator (platform method).

    Worked example: (5 − 3.2) m3/t × 100 000 t = 180 000 m3 = 18 万m3.
    """
    if inputs["use_after"] > inputs["use_before"]:
        raise field_error("use_after", "not_above_before", "改造后单位用水量不能高于改造前",
                          "water use after must not exceed before")
    saved = trace.step("water_saved", f"({inputs['use_before']} − {inputs['use_after']}) m3 × {inputs['output']} ÷ 10^4",
                       (inputs["use_before"] - inputs["use_after"]) * inputs["output"] / 10000, "万m3")
    return {"water_saved": saved}


WATER_SAVING = Method(
    id="benefit.water_saving",
    title_zh="节水项目节水量", title_en="Water saving",
    group="benefit",
    inputs=(Input("use_before", "改造前单位产品用水量（m3/单位）", "water per unit before (m3)", "m3"),
            Input("use_after", "改造后单位产品用水量（m3/单位）", "water per unit after (m3)", "m3"),
            Input("output", "年产量（单位）", "annual output (units)", "1")),
    outputs=(Output("water_saved", "万m3", "年节水量", "water saved"),),
    formula="节水量 = (改造前单位用水量 − 改造后单位用水量) × 产量",
    source=CBRC_2013 + " 七项指标之节水量 — 前后之差（平台方法）",
    verification="platform",
    compute=water_saving,
    example={"use_before": 5, "use_after": "3.2", "output": 100000},
)

METHODS = (RENEWABLE_POWER, EFFICIENCY_RETROFIT, BUILDING_EFFICIENCY, ELECTRIC_VEHICLES, GAS_SUBSTITUTION,
           METHANE_CAPTURE, WASTEWATER, FLUE_GAS, WATER_SAVING, LOAN_SHARE)
