"""Enterprise GHG inventory methods: scope 2 purchased electricity, scope 1 fuel combustion."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lvrongtong.carbon.factors import FactorSource
from lvrongtong.carbon.method import Input, Method, Output, Trace
from lvrongtong.carbon.units import convert

CO2_PER_C = Decimal(44) / Decimal(12)  # molecular mass ratio CO2 / C
GRID_CALIBRES = ("average", "average_excl_market_nonfossil", "fossil_only")
# Inputs several methods share.
GRID_REGION = Input("region", "电网地区", "grid region", kind="region", default="CN", required=False)
YEAR = Input("year", "年份", "year", kind="year")
GWP_REPORT = Input("gwp_report", "GWP 取值版本", "GWP report", kind="choice", choices=("AR5", "AR6"), default="AR5",
                   required=False)


def grid_factor(trace: Trace, factors: FactorSource, inputs: dict[str, Any], calibre: str = "average") -> Decimal:
    """The MEE/NBS grid factor (tCO2/MWh) for the inputs' region and year, fallbacks recorded in the trace."""
    return trace.factor(factors, "grid_co2", calibre, region=inputs.get("region", "CN"), year=inputs["year"],
                        unit="tCO2/MWh", field_name="region")


def scope2_electricity(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Scope 2, location-based: purchased electricity × grid average CO2 emission factor.

    Inputs: ``electricity`` (MWh), ``region`` (CN, grid:<name> or GB/T 2260 code), ``year``, ``calibre``.
    Output: ``emissions`` (tCO2).
    Equation: E = AD_elec × EF_grid  (GB/T 32150-2015 净购入电力隐含的排放; factor from the MEE/NBS
    annual 电力二氧化碳排放因子 notice; shared facts §4.1–4.2).
    Worked example: 1 000 MWh bought in 2022 in the 华中 grid, EF 0.5395 kgCO2/kWh = 0.5395 tCO2/MWh
    → 1 000 × 0.5395 = 539.5 tCO2.
    """
    ef = grid_factor(trace, factors, inputs, inputs["calibre"])
    emissions = inputs["electricity"] * ef
    trace.step("emissions", f"{inputs['electricity']} MWh × {ef} tCO2/MWh", emissions, "tCO2")
    return {"emissions": emissions}


SCOPE2_ELECTRICITY = Method(
    id="inventory.scope2.electricity",
    title_zh="范围二：外购电力排放（基于位置）", title_en="Scope 2: purchased electricity (location-based)",
    group="inventory",
    inputs=(
        Input("electricity", "外购电量", "purchased electricity", "MWh"),
        GRID_REGION,
        YEAR,
        Input("calibre", "因子口径", "factor calibre", kind="choice", choices=GRID_CALIBRES, default="average",
              required=False),
    ),
    outputs=(Output("emissions", "tCO2", "排放量", "emissions"),),
    formula="E = AD_elec × EF_grid(region, year, calibre)",
    source="GB/T 32150-2015 工业企业温室气体排放核算和报告通则（净购入电力、热力隐含的排放）；"
           "因子：生态环境部、国家统计局年度电力二氧化碳排放因子",
    verification="secondary",
    compute=scope2_electricity,
    example={"electricity": 1000, "region": "grid:central", "year": 2022},
)


def fuel_combustion(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Scope 1, stationary or mobile combustion of one fossil fuel.

    Inputs: ``fuel`` (name as in the factor library), ``consumption`` in ``consumption_unit``
    (t, 万Nm3, ...); optional measured ``ncv`` (GJ per unit of the library's NCV), ``carbon_content``
    (tC/GJ) and ``oxidation_rate`` (%) replace the library defaults and are recorded as measured.
    Output: ``emissions`` (tCO2).
    Equation: E = AD × NCV × CC × OF × 44/12 (GB/T 32150-2015 and the 24 industry guidelines of
    NDRC/MEE; IPCC 2006 Vol. 2 Ch. 2 Eq. 2.1; shared facts §4.2).
    Worked example (see tests): 100 t of a fuel with NCV 20 GJ/t, CC 0.025 tC/GJ, OF 98 %
    → 100 × 20 × 0.025 × 0.98 × 44/12 = 179.666… tCO2.
    """
    fuel = inputs["fuel"]
    ncv_use = factors.get("ncv", fuel, "CN", None, "fuel") if inputs.get("ncv") is None else None
    ncv_unit = ncv_use.unit if ncv_use else inputs.get("ncv_unit") or "GJ/t"
    per = ncv_unit.split("/", 1)[1]
    amount = convert(inputs["consumption"], inputs["consumption_unit"] or per, per, "consumption_unit")
    trace.step("activity_data", f"{inputs['consumption']} {inputs['consumption_unit'] or per} → {per}", amount, per)
    if ncv_use:
        trace.factors.append(ncv_use)
        ncv = convert(ncv_use.value, ncv_use.unit, f"GJ/{per}", "fuel")
    else:
        ncv = trace.step("ncv_measured", "实测低位发热量 measured NCV", inputs["ncv"], f"GJ/{per}")
    cc = inputs.get("carbon_content")
    if cc is None:
        cc = trace.factor(factors, "carbon_content", fuel, unit="tC/GJ", field_name="fuel")
    else:
        trace.step("carbon_content_measured", "实测单位热值含碳量 measured", cc, "tC/GJ")
    of = inputs.get("oxidation_rate")
    if of is None:
        of = trace.factor(factors, "oxidation_rate", fuel, unit="1", field_name="fuel")
    else:
        of = trace.step("oxidation_rate_measured", f"实测碳氧化率 measured {of} %", of / 100, "1")
    energy = trace.step("energy", f"{amount} × {ncv}", amount * ncv, "GJ")
    carbon = trace.step("carbon", f"{energy} GJ × {cc} tC/GJ × {of}", energy * cc * of, "tC")
    emissions = trace.step("emissions", f"{carbon} tC × 44/12", carbon * CO2_PER_C, "tCO2")
    return {"emissions": emissions, "energy": energy}


FUEL_COMBUSTION = Method(
    id="inventory.scope1.combustion",
    title_zh="范围一：化石燃料燃烧排放", title_en="Scope 1: fossil fuel combustion",
    group="inventory",
    inputs=(
        Input("fuel", "燃料品种", "fuel", kind="text"),
        Input("consumption", "消耗量", "consumption", None),
        Input("consumption_unit", "消耗量单位", "consumption unit", kind="text", required=False, default=""),
        Input("ncv", "实测低位发热量（GJ/单位）", "measured net calorific value (GJ per unit)", None, required=False,
              exclusive_minimum=True),
        Input("ncv_unit", "实测低位发热量单位", "unit of the measured NCV", kind="text", required=False, default=""),
        Input("carbon_content", "实测单位热值含碳量", "measured carbon content per heat value", "tC/GJ",
              required=False),
        Input("oxidation_rate", "实测碳氧化率（%）", "measured oxidation rate (%)", None, required=False,
              maximum=Decimal(100)),
    ),
    outputs=(Output("emissions", "tCO2", "排放量", "emissions"), Output("energy", "GJ", "燃料热量", "fuel energy")),
    formula="E = AD × NCV × CC × OF × 44/12",
    source="GB/T 32150-2015 工业企业温室气体排放核算和报告通则（燃料燃烧排放）；国家发展改革委 24 个行业企业温室气体"
           "排放核算方法与报告指南；IPCC 2006 Vol.2 Ch.2 Eq.2.1",
    verification="secondary",
    compute=fuel_combustion,
    example={"fuel": "天然气", "consumption": 10, "consumption_unit": "万Nm3"},
)



def scope2_market(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Scope 2, market-based: electricity not covered by green-power certificates × the national factor
    that excludes market-traded non-fossil power; certified green power counts zero.

    Inputs: ``electricity`` (MWh), ``certified_green`` (MWh backed by green certificates / green-power
    trades), ``year``. Output: ``emissions`` (tCO2).
    Source: the MEE/NBS notices publish the national average excluding market-traded non-fossil power
    for this use (shared facts §4.1); zero for certified power is the platform's reading.
    Worked example: 1 000 MWh, 400 certified, 2022 → 600 × 0.5856 = 351.36 tCO2.
    """
    from lvrongtong.kit.errors import field_error

    if inputs["certified_green"] > inputs["electricity"]:
        raise field_error("certified_green", "not_above_total", "绿证电量不能超过外购电量",
                          "certified green power must not exceed purchased electricity")
    residual = trace.step("uncertified", f"{inputs['electricity']} − {inputs['certified_green']}",
                          inputs["electricity"] - inputs["certified_green"], "MWh")
    ef = trace.factor(factors, "grid_co2", "average_excl_market_nonfossil", year=inputs["year"], unit="tCO2/MWh",
                      field_name="year")
    return {"emissions": trace.step("emissions", f"{residual} MWh × {ef} tCO2/MWh", residual * ef, "tCO2")}


SCOPE2_MARKET = Method(
    id="inventory.scope2.electricity_market",
    title_zh="范围二：外购电力排放（基于市场，扣除绿证电量）", title_en="Scope 2: purchased electricity (market-based)",
    group="inventory",
    inputs=(Input("electricity", "外购电量", "purchased electricity", "MWh"),
            Input("certified_green", "绿证/绿电交易覆盖电量", "electricity covered by green certificates", "MWh",
                  required=False, default=Decimal(0)),
            YEAR),
    outputs=(Output("emissions", "tCO2", "排放量", "emissions"),),
    formula="E = (AD_elec − AD_certified) × EF_national(excl. market-traded non-fossil)",
    source="生态环境部、国家统计局 全国电力平均二氧化碳排放因子（不包括市场化交易的非化石能源电量）；绿证电量计零为平台方法",
    verification="secondary",
    compute=scope2_market,
    example={"electricity": 1000, "certified_green": 400, "year": 2022},
)


def scope2_heat(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Scope 2: purchased heat (steam, hot water) × the heat factor of the NDRC guidelines (0.11 tCO2/GJ).

    Worked example: 5 000 GJ × 0.11 = 550 tCO2.
    """
    ef = trace.factor(factors, "heat_co2", "purchased_heat", unit="tCO2/GJ")
    return {"emissions": trace.step("emissions", f"{inputs['heat']} GJ × {ef} tCO2/GJ", inputs["heat"] * ef, "tCO2")}


SCOPE2_HEAT = Method(
    id="inventory.scope2.heat",
    title_zh="范围二：外购热力排放", title_en="Scope 2: purchased heat",
    group="inventory",
    inputs=(Input("heat", "外购热力", "purchased heat", "GJ"),),
    outputs=(Output("emissions", "tCO2", "排放量", "emissions"),),
    formula="E = AD_heat × EF_heat",
    source="国家发展改革委 企业温室气体排放核算方法与报告指南：热力供应排放因子缺省值",
    verification="secondary",
    compute=scope2_heat,
    example={"heat": 5000},
)

FUGITIVE_GASES = ("CH4", "N2O", "SF6", "HFC-134a")


def fugitive(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Scope 1 fugitive emissions (switchgear SF6, refrigerant HFC-134a, CH4 or N2O leaks): mass × GWP100.

    Inputs: ``gas``, ``leaked`` (t of the gas; e.g. refill mass), ``gwp_report`` (AR5/AR6).
    Worked example: 0.1 t SF6 × 23 500 (AR5) = 2 350 tCO2e.
    """
    gwp = trace.factor(factors, "gwp", f"{inputs['gas']}:{inputs['gwp_report']}", unit="1", field_name="gas")
    return {"emissions": trace.step("emissions", f"{inputs['leaked']} t {inputs['gas']} × GWP {gwp}",
                                    inputs["leaked"] * gwp, "tCO2e")}


FUGITIVE = Method(
    id="inventory.scope1.fugitive",
    title_zh="范围一：逸散排放", title_en="Scope 1: fugitive emissions",
    group="inventory",
    inputs=(Input("gas", "气体", "gas", kind="choice", choices=FUGITIVE_GASES),
            Input("leaked", "逸散量（质量）", "mass leaked", "t"),
            GWP_REPORT),
    outputs=(Output("emissions", "tCO2e", "排放量", "emissions"),),
    formula="E = m_gas × GWP100(gas)",
    source="GB/T 32150-2015 逸散排放；GWP：IPCC AR5 WGI Table 8.7 / AR6 WGI Table 7.SM.7",
    verification="secondary",
    compute=fugitive,
    example={"gas": "SF6", "leaked": "0.1"},
)

SCOPE3_CATEGORIES = tuple(str(i) for i in range(1, 16))
SCOPE3_TIERS = ("supplier_specific", "activity_average", "spend_based")


def scope3(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Scope 3, one category line: activity (or spend) × a factor the user supplies with its source.

    The platform ships no scope-3 factor database (none could be sourced); the factor, its unit basis
    and its source are inputs and are kept in the trace, with the data-quality tier
    (``supplier_specific`` > ``activity_average`` > ``spend_based``, GHG Protocol Scope 3 Standard).
    Worked example: category 1, spend 2 000 000 CNY × 0.0005 tCO2e/CNY (spend-based) = 1 000 tCO2e.
    """
    from lvrongtong.kit.errors import field_error

    if not inputs["factor_source"]:
        raise field_error("factor_source", "required", "须注明因子来源", "the factor's source is required")
    trace.step("factor", f"用户提供 user-supplied: {inputs['factor']} tCO2e per unit; {inputs['factor_source']}",
               inputs["factor"], "tCO2e/unit")
    e = trace.step("emissions", f"{inputs['activity']} × {inputs['factor']} (category {inputs['category']}, "
                                f"tier {inputs['tier']})", inputs["activity"] * inputs["factor"], "tCO2e")
    return {"emissions": e}


SCOPE3 = Method(
    id="inventory.scope3.category",
    title_zh="范围三：单个类别（活动量或支出法）", title_en="Scope 3: one category (activity or spend)",
    group="inventory",
    inputs=(Input("category", "类别（1–15）", "category (1–15)", kind="choice", choices=SCOPE3_CATEGORIES),
            Input("tier", "数据质量层级", "data-quality tier", kind="choice", choices=SCOPE3_TIERS),
            Input("activity", "活动量或支出额（与因子单位一致）", "activity or spend (in the factor's unit basis)", "1"),
            Input("factor", "排放因子（tCO2e/单位）", "factor (tCO2e per unit)", "1"),
            Input("factor_source", "因子来源", "factor source", kind="text")),
    outputs=(Output("emissions", "tCO2e", "排放量", "emissions"),),
    formula="E = activity × factor (user-supplied, with source and tier)",
    source="GHG Protocol Corporate Value Chain (Scope 3) Standard — categories 1–15 and data types; factors supplied by the user",
    verification="platform",
    compute=scope3,
    example={"category": "1", "tier": "spend_based", "activity": 2000000, "factor": "0.0005",
             "factor_source": "供应商提供的行业支出因子（示例）"},
)

def energy_use(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Energy use of one carrier in standard coal: amount × coefficient (各种能源折标准煤参考系数).

    Inputs: ``carrier`` (原煤, 柴油, 天然气, 热力 …, as in the library), ``amount`` in ``amount_unit``
    (converted to the coefficient's denominator: t, m3, MJ …). Output: ``energy`` (tce).
    Worked example: 1 000 t diesel × 1.4571 kgce/kg = 1 457.1 tce.
    """
    use = factors.get("coal_equivalent", inputs["carrier"], "CN", None, "carrier")
    trace.factors.append(use)
    per = use.unit.split("/", 1)[1]
    amount = convert(inputs["amount"], inputs["amount_unit"] or per, per, "amount_unit")
    coef = convert(use.value, use.unit, f"tce/{per}", "carrier")
    return {"energy": trace.step("energy", f"{amount} {per} × {use.value} {use.unit}", amount * coef, "tce")}


ENERGY_USE = Method(
    id="inventory.energy_use",
    title_zh="能源消费量折标准煤", title_en="Energy use in standard coal equivalent",
    group="inventory",
    inputs=(Input("carrier", "能源品种", "energy carrier", kind="text"),
            Input("amount", "消费量", "amount used", None),
            Input("amount_unit", "消费量单位", "unit of the amount", kind="text", required=False, default="")),
    outputs=(Output("energy", "tce", "折标准煤", "standard coal equivalent"),),
    formula="E_tce = 消费量 × 折标准煤系数",
    source="各种能源折标准煤参考系数（《中国能源统计年鉴》附录；GB/T 2589 综合能耗计算通则）",
    verification="secondary",
    compute=energy_use,
    example={"carrier": "柴油", "amount": 1000, "amount_unit": "t"},
)

METHODS = (SCOPE2_ELECTRICITY, SCOPE2_MARKET, SCOPE2_HEAT, FUEL_COMBUSTION, FUGITIVE, SCOPE3, ENERGY_USE)
