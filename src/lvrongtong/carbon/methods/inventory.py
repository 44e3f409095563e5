"""Enterprise GHG inventory methods: scope 2 purchased electricity, scope 1 fuel combustion."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lvrongtong.carbon.factors import FactorSource
from lvrongtong.carbon.method import Input, Method, Output, Trace
from lvrongtong.carbon.units import convert

CO2_PER_C = Decimal(44) / Decimal(12)  # molecular mass ratio CO2 / C
GRID_CALIBRES = ("average", "average_excl_market_nonfossil", "fossil_only")


def scope2_electricity(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Scope 2, location-based: purchased electricity × grid average CO2 emission factor.

    Inputs: ``electricity`` (MWh), ``region`` (CN, grid:<name> or GB/T 2260 code), ``year``, ``calibre``.
    Output: ``emissions`` (tCO2).
    Equation: E = AD_elec × EF_grid  (GB/T 32150-2015 净购入电力隐含的排放; factor from the MEE/NBS
    annual 电力二氧化碳排放因子 notice; shared facts §4.1–4.2).
    Worked example: 1 000 MWh bought in 2022 in the 华中 grid, EF 0.5395 kgCO2/kWh = 0.5395 tCO2/MWh
    → 1 000 × 0.5395 = 539.5 tCO2.
    """
    ef = trace.factor(factors, "grid_co2", inputs["calibre"], region=inputs["region"], year=inputs["year"],
                      unit="tCO2/MWh", field_name="region")
    emissions = inputs["electricity"] * ef
    trace.step("emissions", f"{inputs['electricity']} MWh × {ef} tCO2/MWh", emissions, "tCO2")
    return {"emissions": emissions}


SCOPE2_ELECTRICITY = Method(
    id="inventory.scope2.electricity",
    title_zh="范围二：外购电力排放（基于位置）", title_en="Scope 2: purchased electricity (location-based)",
    group="inventory",
    inputs=(
        Input("electricity", "外购电量", "purchased electricity", "MWh"),
        Input("region", "地区", "region", kind="region", default="CN", required=False),
        Input("year", "年份", "year", kind="year"),
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

METHODS = (SCOPE2_ELECTRICITY, FUEL_COMBUSTION)
