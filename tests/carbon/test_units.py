"""Units: conversions are exact, round-trip, and refuse across dimensions naming the field."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lvrongtong.carbon.units import convert, known_units
from lvrongtong.kit.errors import ValidationFailed


@pytest.mark.parametrize("value, src, dst, expected", [
    ("1", "GWh", "MWh", "1000"),
    ("1", "kWh", "MJ", "3.6"),
    ("2.5", "万t", "t", "25000"),
    ("1", "万Nm3", "m3", "10000"),
    ("0.5395", "kgCO2/kWh", "tCO2/MWh", "0.5395"),  # same number: 10^-3 t per 10^-3 MWh
    ("300.7", "gce/kWh", "kgce/kWh", "0.3007"),
    ("98", "%", "1", "0.98"),
    ("26.7", "GJ/t", "MJ/kg", "26.7"),
])
def test_worked_conversions(value, src, dst, expected):
    assert convert(Decimal(value), src, dst) == Decimal(expected)


def test_across_dimensions_is_refused_naming_the_field():
    with pytest.raises(ValidationFailed) as e:
        convert(Decimal(1), "t", "MWh", "electricity")
    assert e.value.details[0].field == "electricity" and e.value.details[0].rule == "unit_dimension"


def test_unknown_unit_is_refused():
    with pytest.raises(ValidationFailed) as e:
        convert(Decimal(1), "furlong", "km", "distance")
    assert e.value.details[0].rule == "unit_known"


SAME_DIMENSION = [(a, b) for a, ua in known_units().items() for b, ub in known_units().items()
                  if ua.dimension == ub.dimension]


@given(st.sampled_from(SAME_DIMENSION), st.decimals(min_value=0, max_value=10**9, places=4))
def test_round_trip(pair, value):
    a, b = pair
    back = convert(convert(value, a, b), b, a)
    assert abs(back - value) <= abs(value) * Decimal("1e-20")
