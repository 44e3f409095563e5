"""What a calculation method is, how its inputs are checked, and the trace every result carries.

A method is a pure function of (checked inputs, a factor source, a trace): it reads factors only
through ``Trace.factor`` and writes every intermediate value through ``Trace.step``, so the stored
trace always says which formula, which factor (value, unit, version, source) and which inputs
produced each figure. Re-running with the same inputs and the same factor library gives the same
result (Decimal arithmetic, no clock, no randomness).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lvrongtong.carbon.factors import FactorSource, FactorUse
from lvrongtong.carbon.units import convert, dimension_of
from lvrongtong.kit.errors import AppError, FieldError, ValidationFailed

ENGINE_VERSION = "carbon-1.0"


@dataclass(frozen=True)
class Input:
    name: str
    label_zh: str
    label_en: str
    unit: str | None = None  # canonical unit of a quantity; None for choices, years, regions, text
    kind: str = "quantity"  # quantity / choice / year / region / text / object (JSON)
    choices: tuple[str, ...] = ()
    required: bool = True
    default: Any = None
    minimum: Decimal | None = Decimal(0)
    exclusive_minimum: bool = False
    maximum: Decimal | None = None

    def describe(self) -> dict:
        return {"name": self.name, "label_zh": self.label_zh, "label_en": self.label_en, "unit": self.unit,
                "kind": self.kind, "choices": list(self.choices), "required": self.required,
                "default": self.default, "minimum": None if self.minimum is None else str(self.minimum),
                "exclusive_minimum": self.exclusive_minimum,
                "maximum": None if self.maximum is None else str(self.maximum)}


@dataclass(frozen=True)
class Output:
    name: str
    unit: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Method:
    id: str
    title_zh: str
    title_en: str
    group: str  # benefit / inventory / footprint / financed
    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]
    formula: str
    source: str  # standard, edition and clause
    verification: str  # of the method text: official / secondary / unverified / platform (own method)
    compute: Callable[[dict[str, Any], FactorSource, Trace], dict[str, Decimal]]
    example: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def describe(self) -> dict:
        return {"id": self.id, "title_zh": self.title_zh, "title_en": self.title_en, "group": self.group,
                "inputs": [i.describe() for i in self.inputs],
                "outputs": [{"name": o.name, "unit": o.unit, "label_zh": o.label_zh, "label_en": o.label_en}
                            for o in self.outputs],
                "formula": self.formula, "source": self.source, "verification": self.verification,
                "example": self.example, "note": self.note}


@dataclass
class Step:
    name: str
    expression: str
    value: Decimal
    unit: str

    def as_dict(self) -> dict:
        return {"name": self.name, "expression": self.expression, "value": decimal_text(self.value), "unit": self.unit}


@dataclass
class Trace:
    method_id: str
    inputs: dict[str, Any]
    factors: list[FactorUse] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    engine_version: str = ENGINE_VERSION

    def factor(self, source: FactorSource, quantity: str, subject: str, *, region: str = "CN",
               year: int | None = None, unit: str | None = None, field_name: str = "factor") -> Decimal:
        """A factor's value (converted to ``unit`` when given), recorded in the trace."""
        use = source.get(quantity, subject, region, year, field_name)
        self.factors.append(use)
        value = use.value if unit is None else convert(use.value, use.unit, unit, field_name)
        return Decimal(decimal_text(value))  # exact; without the trailing zeros of the division

    def step(self, name: str, expression: str, value: Decimal, unit: str) -> Decimal:
        self.steps.append(Step(name, expression, value, unit))
        return value

    def as_dict(self) -> dict:
        return {"method_id": self.method_id, "engine_version": self.engine_version,
                "inputs": {k: _plain(v) for k, v in self.inputs.items()},
                "factors": [f.as_dict() for f in self.factors], "steps": [s.as_dict() for s in self.steps]}


def decimal_text(value: Decimal) -> str:
    """Plain decimal notation without trailing zeros (never exponent notation)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _plain(value: Any) -> Any:
    return decimal_text(value) if isinstance(value, Decimal) else value


# ---------------------------------------------------------------- input checking

def _number(raw: Any, name: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed([FieldError(name, "number", f"{name} 必须是数字", f"{name} must be a number")]) from None
    if not value.is_finite():
        raise ValidationFailed([FieldError(name, "number", f"{name} 必须是有限数字", f"{name} must be a finite number")])
    return value


def _quantity(spec: Input, raw: Any) -> Decimal:
    """A number in the canonical unit, or ``{"value": v, "unit": u}`` converted to it."""
    if isinstance(raw, dict):
        unknown = set(raw) - {"value", "unit"}
        if unknown or "value" not in raw:
            raise ValidationFailed([FieldError(spec.name, "quantity_shape", f"{spec.name} 应为 {{value, unit}}",
                                               f"{spec.name} must be {{value, unit}}")])
        value = _number(raw["value"], spec.name)
        given = raw.get("unit") or spec.unit
        return convert(value, given, spec.unit, spec.name) if spec.unit else value
    return _number(raw, spec.name)


def _bounds(spec: Input, value: Decimal) -> FieldError | None:
    if spec.minimum is not None:
        if spec.exclusive_minimum and value <= spec.minimum:
            return FieldError(spec.name, "greater_than", f"{spec.label_zh}必须大于 {spec.minimum}",
                              f"{spec.label_en} must be greater than {spec.minimum}")
        if value < spec.minimum:
            rule = "non_negative" if spec.minimum == 0 else "minimum"
            return FieldError(spec.name, rule, f"{spec.label_zh}不能小于 {spec.minimum}",
                              f"{spec.label_en} must not be less than {spec.minimum}")
    if spec.maximum is not None and value > spec.maximum:
        return FieldError(spec.name, "maximum", f"{spec.label_zh}不能大于 {spec.maximum}",
                          f"{spec.label_en} must not exceed {spec.maximum}")
    return None


def _one(spec: Input, raw: Any) -> Any:
    if spec.kind == "quantity":
        value = _quantity(spec, raw)
        problem = _bounds(spec, value)
        if problem:
            raise ValidationFailed([problem])
        return value
    if spec.kind == "object":
        if isinstance(raw, str):
            import json

            try:
                raw = json.loads(raw)
            except json.JSONDecodeError as e:
                raise ValidationFailed([FieldError(spec.name, "json", f"{spec.label_zh}不是有效 JSON：{e}",
                                                   f"{spec.label_en} is not valid JSON: {e}")]) from None
        if not isinstance(raw, dict):
            raise ValidationFailed([FieldError(spec.name, "object", f"{spec.label_zh}应为 JSON 对象",
                                               f"{spec.label_en} must be a JSON object")])
        return raw
    if spec.kind == "year":
        year = int(_number(raw, spec.name))
        if not 1990 <= year <= 2100:
            raise ValidationFailed([FieldError(spec.name, "year_range", "年份应在 1990–2100 之间",
                                               "year must be between 1990 and 2100")])
        return year
    text = str(raw).strip()
    if spec.kind == "choice" and text not in spec.choices:
        raise ValidationFailed([FieldError(spec.name, "choice", f"{spec.label_zh}应为 {'、'.join(spec.choices)} 之一",
                                           f"{spec.label_en} must be one of {', '.join(spec.choices)}")])
    if spec.kind == "region" and not (text == "CN" or text.startswith("grid:") or (len(text) == 6 and text.isdigit())):
        raise ValidationFailed([FieldError(spec.name, "region_format",
                                           "地区应为 CN、grid:<电网> 或 6 位行政区划代码",
                                           "region must be CN, grid:<name> or a 6-digit GB/T 2260 code")])
    return text


def check_inputs(method: Method, raw: dict[str, Any]) -> dict[str, Any]:
    """Checked inputs in canonical units; every problem named at once, by field and rule."""
    if not isinstance(raw, dict):
        raise ValidationFailed([FieldError("input", "object", "输入应为 JSON 对象", "input must be a JSON object")])
    problems: list[FieldError] = []
    known = {i.name for i in method.inputs}
    problems += [FieldError(k, "unknown_field", f"方法 {method.id} 没有输入项 {k}", f"method {method.id} has no input {k}")
                 for k in raw if k not in known]
    checked: dict[str, Any] = {}
    for spec in method.inputs:
        value = raw.get(spec.name)
        if value is None or value == "":
            if spec.required and spec.default is None:
                problems.append(FieldError(spec.name, "required", f"缺少{spec.label_zh}", f"{spec.label_en} is required"))
            elif spec.default is not None:
                checked[spec.name] = spec.default
            continue
        try:
            checked[spec.name] = _one(spec, value)
        except ValidationFailed as e:
            problems += e.details
        except AppError as e:
            problems += e.details or [FieldError(spec.name, e.code, e.message_zh, e.message_en)]
    if problems:
        raise ValidationFailed(problems)
    return checked


def input_digest(method_id: str, checked: dict[str, Any]) -> str:
    body = json.dumps({"method": method_id, "inputs": {k: _plain(v) for k, v in checked.items()}},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class Result:
    method: Method
    inputs: dict[str, Any]
    figures: dict[str, Decimal]
    trace: Trace

    def as_dict(self) -> dict:
        units = {o.name: o.unit for o in self.method.outputs}
        return {"method_id": self.method.id, "engine_version": self.trace.engine_version,
                "results": {k: {"value": decimal_text(v), "unit": units.get(k, "")} for k, v in self.figures.items()},
                "input_digest": input_digest(self.method.id, self.inputs), "trace": self.trace.as_dict()}


def run(method: Method, raw: dict[str, Any], factors: FactorSource) -> Result:
    checked = check_inputs(method, raw)
    trace = Trace(method.id, checked)
    figures = method.compute(checked, factors, trace)
    return Result(method, checked, figures, trace)


def check_unit_dimensions(method: Method) -> None:
    """Import-time guard: every declared unit is known."""
    for i in method.inputs:
        if i.unit:
            dimension_of(i.unit)
    for o in method.outputs:
        dimension_of(o.unit)
