"""Calculation methods reproduce worked examples computed by hand; inputs are checked field by field."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lvrongtong.carbon.factors import ShippedFactors
from lvrongtong.carbon.method import run
from lvrongtong.carbon.methods import REGISTRY, get_method
from lvrongtong.kit.errors import ValidationFailed

FACTORS = ShippedFactors()


def calc(method_id, **inputs):
    return run(get_method(method_id), inputs, FACTORS)


def test_scope2_electricity_central_grid_2022():
    # 1 000 MWh × 0.5395 kgCO2/kWh (华中 2022, MEE/NBS) = 1 000 × 0.5395 tCO2/MWh = 539.5 tCO2
    r = calc("inventory.scope2.electricity", electricity=1000, region="grid:central", year=2022)
    assert r.figures["emissions"] == Decimal("539.5")
    (f,) = r.trace.factors
    assert f.factor_id == "grid_co2:average:grid:central:2022" and f.fallback == ()


def test_scope2_unit_conversion_and_year_fallback_are_traced():
    # 2 GWh = 2 000 MWh; 2024 is not published → 2023 national 0.5306 → 1 061.2 tCO2
    r = calc("inventory.scope2.electricity", electricity={"value": 2, "unit": "GWh"}, year=2024)
    assert r.figures["emissions"] == Decimal("1061.2")
    assert any("2024" in step and "2023" in step for step in r.trace.factors[0].fallback)


def test_scope2_year_before_first_publication_is_refused():
    with pytest.raises(ValidationFailed) as e:
        calc("inventory.scope2.electricity", electricity=1, year=2015)
    assert e.value.details[0].field == "year" and e.value.details[0].rule == "factor_year_available"


def test_bad_inputs_are_all_named_at_once():
    with pytest.raises(ValidationFailed) as e:
        calc("inventory.scope2.electricity", electricity=-1, region="somewhere", calibre="cheap", bogus=1)
    rules = {(d.field, d.rule) for d in e.value.details}
    assert rules == {("electricity", "non_negative"), ("region", "region_format"), ("calibre", "choice"),
                     ("bogus", "unknown_field"), ("year", "required")}


def test_wrong_unit_is_refused():
    with pytest.raises(ValidationFailed) as e:
        calc("inventory.scope2.electricity", electricity={"value": 5, "unit": "t"}, year=2023)
    assert e.value.details[0].field == "electricity" and e.value.details[0].rule == "unit_dimension"


def test_combustion_with_measured_parameters():
    # 100 t × 20 GJ/t = 2 000 GJ; × 0.025 tC/GJ × 0.98 = 49 tC; × 44/12 = 179.666… tCO2
    r = calc("inventory.scope1.combustion", fuel="测试燃料", consumption=100, consumption_unit="t", ncv=20,
             ncv_unit="GJ/t", carbon_content=Decimal("0.025"), oxidation_rate=98)
    assert r.figures["energy"] == Decimal(2000)
    assert abs(r.figures["emissions"] - Decimal(49) * 44 / 12) < Decimal("1e-20")
    assert [s.name for s in r.trace.steps][-1] == "emissions"


def test_efficiency_retrofit_and_guard():
    # (120 − 100) kgce/t × 50 000 t = 1 000 000 kgce = 1 000 tce
    assert calc("benefit.efficiency_retrofit", unit_consumption_before=120, unit_consumption_after=100,
                output=50000).figures["energy_saved"] == Decimal(1000)
    with pytest.raises(ValidationFailed) as e:
        calc("benefit.efficiency_retrofit", unit_consumption_before=100, unit_consumption_after=120, output=1)
    assert e.value.details[0].field == "unit_consumption_after"


def test_loan_share():
    # 30 000 000 ÷ 120 000 000 = 0.25; 8 000 tCO2 × 0.25 = 2 000 tCO2
    r = calc("benefit.loan_share", loan_balance=30_000_000, project_investment=120_000_000, co2_reduced=8000)
    assert r.figures == {"share": Decimal("0.25"), "co2_reduced": Decimal(2000)}
    with pytest.raises(ValidationFailed):
        calc("benefit.loan_share", loan_balance=2, project_investment=1)


def test_pcaf_listed_equity():
    # AF = 50 000 000 ÷ 2 000 000 000 = 0.025; 0.025 × 120 000 tCO2e = 3 000; option 1b → score 2
    r = calc("financed.listed_equity_bond", outstanding=50_000_000, evic=2_000_000_000, emissions=120_000,
             data_option="1b")
    assert r.figures == {"attribution_factor": Decimal("0.025"), "financed_emissions": Decimal(3000),
                         "data_quality_score": Decimal(2)}


def test_pcaf_negative_equity_counts_as_zero():
    # equity −50 → 0; AF = 30 ÷ (0 + 300) = 0.1; 0.1 × 600 = 60
    r = calc("financed.business_loan", outstanding=30, equity=-50, debt=300, emissions=600, data_option="3a")
    assert r.figures["attribution_factor"] == Decimal("0.1") and r.figures["financed_emissions"] == Decimal(60)
    assert r.figures["data_quality_score"] == 4


@pytest.mark.parametrize("evic", [0, -5])
def test_pcaf_zero_or_negative_evic_is_refused(evic):
    with pytest.raises(ValidationFailed) as e:
        calc("financed.listed_equity_bond", outstanding=1, evic=evic, emissions=1, data_option="1a")
    assert e.value.details[0].field == "evic"


@given(st.integers(0, 10**12), st.integers(1, 10**12), st.integers(0, 10**9))
def test_attribution_within_zero_and_one(outstanding, denominator, emissions):
    try:
        r = calc("financed.project_finance", outstanding=outstanding, project_equity_plus_debt=denominator,
                 emissions=emissions, data_option="2b")
    except ValidationFailed as e:
        assert outstanding > denominator and e.details[0].rule == "not_below_outstanding"
        return
    assert 0 <= r.figures["attribution_factor"] <= 1
    assert r.figures["financed_emissions"] <= emissions


def test_every_method_describes_itself_and_runs_its_example_or_names_the_missing_factor():
    for method in REGISTRY.values():
        d = method.describe()
        assert d["source"] and d["formula"] and d["inputs"]
        if method.example:
            try:
                run(method, method.example, FACTORS)
            except ValidationFailed as e:  # only a factor the library does not hold yet may stop an example
                assert {x.rule for x in e.details} <= {"factor_available"}, (method.id, e.details)


def test_same_inputs_same_result_and_digest():
    a = calc("inventory.scope2.electricity", electricity=123, year=2023).as_dict()
    b = calc("inventory.scope2.electricity", electricity="123", year="2023").as_dict()
    assert a == b


def test_combustion_with_library_defaults_natural_gas():
    # 10 万Nm3 × 389.31 GJ/万Nm3 = 3 893.1 GJ; × 0.01532 tC/GJ = 59.642292 tC; × 99 % = 59.04586908 tC; × 44/12 = 216.50151996 tCO2
    r = calc("inventory.scope1.combustion", fuel="天然气", consumption=100000, consumption_unit="m3")
    assert r.figures["energy"] == Decimal("3893.1")
    assert abs(r.figures["emissions"] - Decimal("59.04586908") * 44 / 12) < Decimal("1e-18")
    assert [f.quantity for f in r.trace.factors] == ["ncv", "carbon_content", "oxidation_rate"]


def test_unknown_fuel_is_named():
    with pytest.raises(ValidationFailed) as e:
        calc("inventory.scope1.combustion", fuel="木炭粉", consumption=1, consumption_unit="t")
    assert e.value.details[0].field == "fuel" and e.value.details[0].rule == "factor_available"


def test_chongqing_uses_its_provincial_factor():
    # 1 000 MWh in a Chongqing district in 2022 → province 500000, 0.5227 kgCO2/kWh → 522.7 tCO2
    r = calc("inventory.scope2.electricity", electricity=1000, region="500112", year=2022)
    assert r.figures["emissions"] == Decimal("522.7")
    assert r.trace.factors[0].factor_id == "grid_co2:average:500000:2022"


def test_renewable_power_uses_previous_year_coal_consumption():
    # 10 000 MWh in 2021: 10^7 kWh × 305.5 gce/kWh (2020) = 3 055 tce; × 0.5568 tCO2/MWh (2021) = 5 568 tCO2
    r = calc("benefit.renewable_power", electricity_supplied=10000, year=2021)
    assert r.figures == {"energy_saved": Decimal(3055), "co2_reduced": Decimal(5568)}
    assert r.trace.factors[0].requested["year"] == 2020


def test_methane_capture_gwp_versions():
    # 100 t CH4 × 28 (AR5) = 2 800; × 27.9 (AR6) = 2 790
    assert calc("benefit.methane_capture", methane=100).figures["co2e_reduced"] == Decimal(2800)
    assert calc("benefit.methane_capture", methane=100, gwp_report="AR6").figures["co2e_reduced"] == Decimal(2790)


def test_cement_clinker_process():
    # EF = (65 − 1) % × 44/56 + 2 % × 44/40 = 0.50285714… + 0.022; × (1 000 000 + 10 000) t
    r = calc("inventory.process.cement_clinker", clinker=1_000_000, kiln_dust=10_000, cao=65, cao_noncarbonate=1,
             mgo=2)
    expected = (Decimal("0.64") * 44 / 56 + Decimal("0.022")) * 1_010_000
    assert abs(r.figures["emissions"] - expected) < Decimal("1e-15") and r.figures["organic"] == 0
    with pytest.raises(ValidationFailed) as e:
        calc("inventory.process.cement_clinker", clinker=1, cao=120, mgo=2)
    assert e.value.details[0].field == "cao" and e.value.details[0].rule == "maximum"


def test_steel_process_with_library_factors():
    # 100 000 × 0.440 + 20 000 × 0.471 + 1 000 × 3.663 = 57 083 tCO2; minus 50 000 t crude steel × 0.01 = 500
    r = calc("inventory.process.steel", limestone=100_000, dolomite=20_000, electrode=1_000)
    assert r.figures["emissions"] == Decimal(57083)
    assert {f.subject for f in r.trace.factors} == {"石灰石", "白云石", "电极"}
    r = calc("inventory.process.steel", limestone=100_000, dolomite=20_000, electrode=1_000, crude_steel=50_000,
             crude_steel_factor="0.01")
    assert r.figures["emissions"] == Decimal(56583)


@pytest.mark.parametrize("method_id, inputs, expected", [
    # 600 MWh × 0.5856 (2022 national excl. market-traded non-fossil) = 351.36
    ("inventory.scope2.electricity_market", {"electricity": 1000, "certified_green": 400, "year": 2022},
     {"emissions": "351.36"}),
    ("inventory.scope2.heat", {"heat": 5000}, {"emissions": "550"}),  # × 0.11 tCO2/GJ
    ("inventory.scope1.fugitive", {"gas": "SF6", "leaked": "0.1"}, {"emissions": "2350"}),  # × 23 500 (AR5)
    ("inventory.scope3.category", {"category": "1", "tier": "spend_based", "activity": 2000000, "factor": "0.0005",
                                   "factor_source": "x"}, {"emissions": "1000"}),
    # 50 000 m2 × 50 kWh/m2 = 2 500 MWh × 0.5395 = 1 348.75
    ("benefit.building_efficiency", {"floor_area": 50000, "reference_intensity": 120, "design_intensity": 70,
                                     "year": 2022, "region": "grid:central"},
     {"electricity_saved": "2500", "co2_reduced": "1348.75"}),
    # 3 650 000 m3 × 250 g/m3 = 912.5 t COD; × 25 g/m3 = 91.25 t NH3-N
    ("benefit.wastewater", {"volume": 365, "cod_in": 300, "cod_out": 50, "nh3n_in": 30, "nh3n_out": 5},
     {"cod_reduced": "912.5", "nh3n_reduced": "91.25"}),
    # AF 40 M ÷ 200 M = 0.2 × 5 000 = 1 000; 3 M ÷ 5 M = 0.6 × 40 = 24; 120 000 ÷ 200 000 = 0.6 × 3 = 1.8
    ("financed.project_finance", {"outstanding": 40e6, "project_equity_plus_debt": 2e8, "emissions": 5000,
                                  "data_option": "2b"}, {"financed_emissions": "1000", "data_quality_score": "3"}),
    ("financed.real_estate", {"outstanding": 3e6, "property_value_at_origination": 5e6, "emissions": 40,
                              "data_option": "3b"}, {"financed_emissions": "24", "data_quality_score": "5"}),
    ("financed.motor_vehicle", {"outstanding": 120000, "vehicle_value_at_origination": 200000, "emissions": 3,
                                "data_option": "3a"}, {"financed_emissions": "1.8", "data_quality_score": "4"}),
])
def test_worked_examples(method_id, inputs, expected):
    figures = calc(method_id, **inputs).figures
    for name, value in expected.items():
        assert figures[name] == Decimal(value), (name, figures[name])


def test_clean_transport_and_gas_substitution():
    # diesel: 1 000 × 42.652 × 0.0202 × 0.98 × 44/12; grid 4 000 × 0.5306 = 2 122.4
    r = calc("benefit.clean_transport", fuel_replaced=1000, electricity_used=4000, year=2023)
    baseline = Decimal("42652") * Decimal("0.0202") * Decimal("0.98") * 44 / 12
    assert abs(r.figures["baseline"] - baseline) < Decimal("1e-18")
    assert abs(r.figures["co2_reduced"] - (baseline - Decimal("2122.4"))) < Decimal("1e-18")
    # heat 100 × 389.31 = 38 931 GJ; coal 38 931 × 0.0261 × 0.93 × 44/12; gas 38 931 × 0.01532 × 0.99 × 44/12
    r = calc("benefit.gas_substitution", gas=100, coal_carbon_content="0.0261", coal_oxidation_rate=93)
    expected = Decimal(38931) * (Decimal("0.0261") * Decimal("0.93") - Decimal("0.01532") * Decimal("0.99")) * 44 / 12
    assert abs(r.figures["co2_reduced"] - expected) < Decimal("1e-18")
    with pytest.raises(ValidationFailed) as e:
        calc("inventory.scope3.category", category="1", tier="spend_based", activity=1, factor=1, factor_source="")
    assert e.value.details[0].field == "factor_source"


def test_product_footprint_over_bom_and_suppliers():
    # inverter: 12 kWh × 0.5227 (Chongqing 2022) = 6.2724; housing 8.5 (database factor); 2 boards × 3.2 (supplier)
    r = calc("footprint.product", **get_method("footprint.product").example)
    assert r.figures["footprint"] == Decimal("21.1724")
    shared = {"product": "P", "items": [
        {"id": "P", "components": [{"id": "A", "quantity": 2}, {"id": "B", "quantity": 1}]},
        {"id": "A", "components": [{"id": "C", "quantity": 3}]}, {"id": "B", "components": [{"id": "C", "quantity": 1}]},
        {"id": "C", "direct_kgco2e": "0.5"}]}
    assert calc("footprint.product", graph=shared).figures["footprint"] == Decimal("3.5")  # (2 × 3 + 1) × 0.5


@pytest.mark.parametrize("graph, field, rule, text", [
    ({"product": "A", "items": [{"id": "A", "components": [{"id": "B", "quantity": 1}]},
                                {"id": "B", "components": [{"id": "A", "quantity": 1}]}]}, "graph", "no_cycle", "A → B → A"),
    ({"product": "A", "items": [{"id": "A", "components": [{"id": "Z", "quantity": 1}]}]},
     "items[A].components", "component_known", "Z"),
    ({"product": "A", "items": [{"id": "A", "supplier_specific": {"value": 1}}]},
     "items[A].supplier_specific", "source_required", "A"),
    ({"product": "A", "items": [{"id": "A", "components": [{"id": "B", "quantity": -1}]}, {"id": "B"}]},
     "items[A].quantity", "non_negative", "A"),
])
def test_product_footprint_refusals_name_the_problem(graph, field, rule, text):
    with pytest.raises(ValidationFailed) as e:
        calc("footprint.product", graph=graph)
    d = e.value.details[0]
    assert (d.field, d.rule) == (field, rule) and text in d.message_en


@pytest.mark.parametrize("method_id, inputs, expected", [
    # 2 × 10^9 Nm3 × 765 mg/Nm3 = 1 530 t SO2; × 350 mg = 700 t NOx
    ("benefit.flue_gas", {"flue_gas": 200000, "so2_before": 800, "so2_after": 35, "nox_before": 400, "nox_after": 50},
     {"so2_reduced": "1530", "nox_reduced": "700"}),
    ("benefit.water_saving", {"use_before": 5, "use_after": "3.2", "output": 100000}, {"water_saved": "18"}),
    # 1 000 t × 1.4571 kgce/kg = 1 457.1 tce; 100 万m3 gas × 1.2143 kgce/m3 = 1 214.3 tce
    ("inventory.energy_use", {"carrier": "柴油", "amount": 1000, "amount_unit": "t"}, {"energy": "1457.1"}),
    ("inventory.energy_use", {"carrier": "天然气", "amount": 100, "amount_unit": "万m3"}, {"energy": "1214.3"}),
])
def test_more_worked_examples(method_id, inputs, expected):
    figures = calc(method_id, **inputs).figures
    for name, value in expected.items():
        assert figures[name] == Decimal(value), (name, figures[name])


@given(st.lists(st.decimals(min_value=0, max_value=10**6, places=2), min_size=1, max_size=6))
def test_footprint_total_equals_sum_of_parts(parts):
    items = [{"id": "P", "components": [{"id": f"c{i}", "quantity": 1} for i in range(len(parts))]}]
    items += [{"id": f"c{i}", "direct_kgco2e": str(v)} for i, v in enumerate(parts)]
    assert calc("footprint.product", graph={"product": "P", "items": items}).figures["footprint"] == sum(parts)
