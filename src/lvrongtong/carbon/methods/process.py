"""Process emissions: cement clinker (carbonate decomposition, raw-meal organic carbon) and iron & steel
(fluxes, electrodes, purchased carbon-bearing materials, minus carbon kept in products)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lvrongtong.carbon.factors import FactorSource
from lvrongtong.carbon.method import Input, Method, Output, Trace

CO2_PER_CAO = Decimal(44) / Decimal(56)  # CaCO3 → CaO + CO2: molar masses 44 / 56

CO2_PER_C = Decimal(44) / Decimal(12)


def cement_clinker(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Cement clinker process CO2 from carbonate decomposition and raw-meal organic carbon.

    Inputs: ``clinker``, ``kiln_dust``, ``bypass_dust``, ``raw_meal`` (t); ``cao`` and ``mgo`` contents of
    the clinker and their non-carbonate parts ``cao_noncarbonate``, ``mgo_noncarbonate`` (%); raw meal's
    non-fuel ``organic_carbon`` (%).
    Outputs: ``carbonate`` and ``organic`` (tCO2), ``emissions`` (their sum).
    Equations (NDRC 《中国水泥生产企业温室气体排放核算方法与报告指南（试行）》 as restated by two
    independent public implementations; stoichiometry 44/56 and 44/40):
      EF_clinker = (CaO − CaO_nc) × 44/56 + (MgO − MgO_nc) × 44/40        (tCO2/t clinker)
      carbonate  = (clinker + kiln dust + bypass dust) × EF_clinker
      organic    = raw meal × organic carbon × 44/12
    Worked example: CaO 65 %, non-carbonate 1 %, MgO 2 %, none non-carbonate →
      EF = 0.64 × 44/56 + 0.02 × 44/40 = 0.502857… + 0.022 = 0.524857… tCO2/t;
      1 000 000 t clinker + 10 000 t dust → 1 010 000 × EF = 530 105.7… tCO2.
    The MgO ratio is applied as 44/40 — the guideline copies' value — not the exact 44/40.3.
    """
    ef_cao = trace.step("ef_cao", f"({inputs['cao']} − {inputs['cao_noncarbonate']}) % × 44/56",
                        (inputs["cao"] - inputs["cao_noncarbonate"]) / 100 * CO2_PER_CAO, "tCO2/t")
    ef_mgo = trace.step("ef_mgo", f"({inputs['mgo']} − {inputs['mgo_noncarbonate']}) % × 44/40",
                        (inputs["mgo"] - inputs["mgo_noncarbonate"]) / 100 * Decimal(44) / Decimal(40), "tCO2/t")
    ef = trace.step("ef_clinker", f"{ef_cao} + {ef_mgo}", ef_cao + ef_mgo, "tCO2/t")
    mass = trace.step("clinker_and_dust", f"{inputs['clinker']} + {inputs['kiln_dust']} + {inputs['bypass_dust']}",
                      inputs["clinker"] + inputs["kiln_dust"] + inputs["bypass_dust"], "t")
    carbonate = trace.step("carbonate", f"{mass} t × {ef} tCO2/t", mass * ef, "tCO2")
    organic = trace.step("organic", f"{inputs['raw_meal']} t × {inputs['organic_carbon']} % × 44/12",
                         inputs["raw_meal"] * inputs["organic_carbon"] / 100 * CO2_PER_C, "tCO2")
    total = trace.step("emissions", f"{carbonate} + {organic}", carbonate + organic, "tCO2")
    return {"carbonate": carbonate, "organic": organic, "emissions": total}


def _pct(name: str, zh: str, en: str, default: Decimal | None = None) -> Input:
    return Input(name, zh, en, "%", maximum=Decimal(100), required=default is None, default=default)


CEMENT_CLINKER = Method(
    id="inventory.process.cement_clinker",
    title_zh="水泥熟料生产过程排放", title_en="Cement clinker process emissions",
    group="inventory",
    inputs=(
        Input("clinker", "熟料产量", "clinker produced", "t"),
        Input("kiln_dust", "窑头粉尘量", "kiln-head dust", "t", required=False, default=Decimal(0)),
        Input("bypass_dust", "旁路放风粉尘量", "bypass dust", "t", required=False, default=Decimal(0)),
        _pct("cao", "熟料中 CaO 含量", "CaO in clinker"),
        _pct("cao_noncarbonate", "熟料中非碳酸盐 CaO 含量", "non-carbonate CaO", Decimal(0)),
        _pct("mgo", "熟料中 MgO 含量", "MgO in clinker"),
        _pct("mgo_noncarbonate", "熟料中非碳酸盐 MgO 含量", "non-carbonate MgO", Decimal(0)),
        Input("raw_meal", "生料消耗量", "raw meal consumed", "t", required=False, default=Decimal(0)),
        _pct("organic_carbon", "生料中非燃料碳含量", "non-fuel carbon in raw meal", Decimal(0)),
    ),
    outputs=(Output("carbonate", "tCO2", "碳酸盐分解排放", "carbonate decomposition"),
             Output("organic", "tCO2", "生料有机碳燃烧排放", "raw-meal organic carbon"),
             Output("emissions", "tCO2", "过程排放合计", "process emissions")),
    formula="E = (熟料 + 窑头粉尘 + 旁路粉尘) × [(CaO − CaO非碳酸盐) × 44/56 + (MgO − MgO非碳酸盐) × 44/40] + 生料 × 有机碳 × 44/12",
    source="国家发展改革委《中国水泥生产企业温室气体排放核算方法与报告指南（试行）》过程排放（经两份公开实现转述，指南原文未读）",
    verification="unverified",
    compute=cement_clinker,
    example={"clinker": 1000000, "kiln_dust": 10000, "cao": 65, "cao_noncarbonate": 1, "mgo": 2},
)


STEEL_MATERIALS = (("limestone", "石灰石", "limestone"), ("dolomite", "白云石", "dolomite"),
                   ("electrode", "电极", "electrodes"), ("pig_iron", "生铁", "purchased pig iron"),
                   ("dri", "直接还原铁", "purchased direct-reduced iron"))


def steel_process(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    """Iron and steel process CO2: Σ material × factor − carbon kept in products.

    Inputs: tonnes of ``limestone``, ``dolomite`` (fluxes), ``electrode``, purchased ``pig_iron`` and
    ``dri``; optional ``crude_steel`` output with its ``crude_steel_factor`` (tCO2/t) — public copies
    disagree on that factor (0.0154 / 0.037), so the platform ships none and asks for it.
    Output: ``emissions`` (tCO2). Factors: the NDRC steel guideline's defaults as carried by two public
    code copies (limestone 0.440, dolomite 0.471, electrode 3.663, pig iron 0.172, DRI 0.073 tCO2/t).
    Worked example: 100 000 t limestone × 0.440 + 20 000 t dolomite × 0.471 + 1 000 t electrode × 3.663
    = 44 000 + 9 420 + 3 663 = 57 083 tCO2.
    """
    total = Decimal(0)
    for name, subject, _ in STEEL_MATERIALS:
        if inputs.get(name):
            ef = trace.factor(factors, "process_co2", subject, unit="tCO2/t", field_name=name)
            total += trace.step(name, f"{inputs[name]} t × {ef} tCO2/t", inputs[name] * ef, "tCO2")
    kept = Decimal(0)
    if inputs.get("crude_steel"):
        kept = trace.step("kept_in_crude_steel", f"{inputs['crude_steel']} t × {inputs['crude_steel_factor']} tCO2/t",
                          inputs["crude_steel"] * inputs["crude_steel_factor"], "tCO2")
    return {"emissions": trace.step("emissions", f"{total} − {kept}", total - kept, "tCO2")}


STEEL_PROCESS = Method(
    id="inventory.process.steel",
    title_zh="钢铁生产过程排放", title_en="Iron and steel process emissions",
    group="inventory",
    inputs=(*(Input(n, f"{zh}消耗量", f"{en} (t)", "t", required=False, default=Decimal(0))
              for n, zh, en in STEEL_MATERIALS),
            Input("crude_steel", "粗钢产量（固碳产品）", "crude steel output (carbon kept)", "t", required=False,
                  default=Decimal(0)),
            Input("crude_steel_factor", "粗钢固碳因子（tCO2/t，须注明来源）", "crude-steel carbon factor (tCO2/t)",
                  "tCO2/t", required=False, default=Decimal(0))),
    outputs=(Output("emissions", "tCO2", "过程排放", "process emissions"),),
    formula="E = Σ 熔剂/电极/外购含碳原料 × EF − 固碳产品 × EF",
    source="国家发展改革委《中国钢铁生产企业温室气体排放核算方法与报告指南（试行）》过程排放；因子经公开代码副本（指南附表原文未读）",
    verification="unverified",
    compute=steel_process,
    example={"limestone": 100000, "dolomite": 20000, "electrode": 1000},
)

METHODS = (CEMENT_CLINKER, STEEL_PROCESS)
