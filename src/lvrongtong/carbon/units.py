"""Units: the one place where quantities are converted.

A unit belongs to one dimension and has an exact ``Decimal`` scale to the dimension's base unit.
Converting between dimensions is refused with an error naming the field; so is an unknown unit.

Scales are definitions (SI prefixes, 1 t = 1000 kg, 1 kWh = 3.6 MJ, 1 万 = 10^4), not factors from
documents. Energy carriers measured in their own units (t of coal, 10^4 Nm3 of gas) have their own
dimensions; turning them into energy needs a factor from the factor library (net calorific value).

Standard coal equivalent (``tce``) is its own dimension here although GB/T 2589 defines 1 kgce as
29.307 MJ: the platform keeps "energy saved (tce)" apart from "energy (GJ)" so that a figure never
changes meaning silently; ``TCE_MJ_PER_KGCE`` is used only where a method says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lvrongtong.kit.errors import field_error

# GB/T 2589: 1 kgce has a low heating value of 29 307 kJ (7 000 kcal) — shared facts §4.3, stated
# in the CBRC green-credit energy-saving measurement guideline (2013), which cites GB/T 2589-2008.
TCE_MJ_PER_KGCE = Decimal("29.307")


@dataclass(frozen=True)
class Unit:
    symbol: str
    dimension: str
    scale: Decimal  # multiply a value in this unit by scale to get the dimension's base unit
    name_zh: str


_UNITS: dict[str, Unit] = {}


def _define(dimension: str, base: str, entries: dict[str, tuple[str, str]]) -> None:
    for symbol, (scale, name_zh) in entries.items():
        _UNITS[symbol] = Unit(symbol, dimension, Decimal(scale), name_zh)
    assert _UNITS[base].scale == 1


_define("energy", "MJ", {
    "J": ("0.000001", "焦耳"), "kJ": ("0.001", "千焦"), "MJ": ("1", "兆焦"), "GJ": ("1000", "吉焦"),
    "TJ": ("1000000", "太焦"), "Wh": ("0.0036", "瓦时"), "kWh": ("3.6", "千瓦时"), "MWh": ("3600", "兆瓦时"),
    "GWh": ("3600000", "吉瓦时"), "万kWh": ("36000", "万千瓦时"), "亿kWh": ("360000000", "亿千瓦时"),
})
_define("mass", "t", {
    "g": ("0.000001", "克"), "kg": ("0.001", "千克"), "t": ("1", "吨"), "万t": ("10000", "万吨"),
})
_define("volume", "m3", {
    "L": ("0.001", "升"), "m3": ("1", "立方米"), "万m3": ("10000", "万立方米"),
    "Nm3": ("1", "标准立方米"), "万Nm3": ("10000", "万标准立方米"),
})
_define("coal_equivalent", "tce", {
    "gce": ("0.000001", "克标准煤"), "kgce": ("0.001", "千克标准煤"), "tce": ("1", "吨标准煤"),
    "万tce": ("10000", "万吨标准煤"),
})
_define("co2e", "tCO2e", {
    "gCO2e": ("0.000001", "克二氧化碳当量"), "kgCO2e": ("0.001", "千克二氧化碳当量"),
    "tCO2e": ("1", "吨二氧化碳当量"), "万tCO2e": ("10000", "万吨二氧化碳当量"),
    "gCO2": ("0.000001", "克二氧化碳"), "kgCO2": ("0.001", "千克二氧化碳"), "tCO2": ("1", "吨二氧化碳"),
})
_define("carbon", "tC", {"kgC": ("0.001", "千克碳"), "tC": ("1", "吨碳")})
_define("money", "CNY", {"CNY": ("1", "元"), "万CNY": ("10000", "万元"), "亿CNY": ("100000000", "亿元"),
                         "百万CNY": ("1000000", "百万元")})
_define("distance", "km", {"m": ("0.001", "米"), "km": ("1", "千米"), "万km": ("10000", "万千米")})
_define("power", "kW", {"W": ("0.001", "瓦"), "kW": ("1", "千瓦"), "MW": ("1000", "兆瓦"), "GW": ("1000000", "吉瓦")})
_define("area", "m2", {"m2": ("1", "平方米"), "万m2": ("10000", "万平方米"), "ha": ("10000", "公顷")})
_define("ratio", "1", {"1": ("1", "无量纲"), "%": ("0.01", "百分比")})
_define("time", "h", {"h": ("1", "小时")})

# Compound units of factors, written as "<numerator>/<denominator>".
ALIASES = {"kWh/kWh": "1", "t/t": "1"}


def unit(symbol: str, field: str = "unit") -> Unit:
    found = _UNITS.get(symbol)
    if found is None:
        raise field_error(field, "unit_known", f"未知单位“{symbol}”", f"unknown unit '{symbol}'")
    return found


def dimension_of(symbol: str, field: str = "unit") -> str:
    """Dimension of a simple or compound (``a/b``) unit, e.g. ``co2e/energy``."""
    symbol = ALIASES.get(symbol, symbol)
    if "/" in symbol:
        num, den = symbol.split("/", 1)
        return f"{unit(num, field).dimension}/{unit(den, field).dimension}"
    return unit(symbol, field).dimension


def _fraction(symbol: str, field: str) -> tuple[Decimal, Decimal]:
    """Scale to base units as numerator and denominator, so a conversion divides once (exact for ratios)."""
    symbol = ALIASES.get(symbol, symbol)
    if "/" in symbol:
        num, den = symbol.split("/", 1)
        return unit(num, field).scale, unit(den, field).scale
    return unit(symbol, field).scale, Decimal(1)


def convert(value: Decimal, from_unit: str, to_unit: str, field: str = "value") -> Decimal:
    """``value`` in ``from_unit`` expressed in ``to_unit``; refused across dimensions."""
    if from_unit == to_unit:
        return value
    d_from, d_to = dimension_of(from_unit, field), dimension_of(to_unit, field)
    if d_from != d_to:
        raise field_error(
            field, "unit_dimension",
            f"单位“{from_unit}”（{d_from}）不能换算为“{to_unit}”（{d_to}）",
            f"unit '{from_unit}' ({d_from}) cannot be converted to '{to_unit}' ({d_to})",
        )
    (fn, fd), (tn, td) = _fraction(from_unit, field), _fraction(to_unit, field)
    return value * fn * td / (fd * tn)


def known_units() -> dict[str, Unit]:
    return dict(_UNITS)
