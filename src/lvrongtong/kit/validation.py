"""Turn pydantic validation errors into our FieldError shape with zh / en messages."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from lvrongtong.kit.errors import FieldError

_ZH = {
    "missing": "必填",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "greater_than_equal": "不能小于{ge}",
    "greater_than": "必须大于{gt}",
    "less_than": "必须小于{lt}",
    "less_than_equal": "不能大于{le}",
    "decimal_parsing": "不是有效的数字",
    "decimal_type": "不是有效的数字",
    "float_parsing": "不是有效的数字",
    "int_parsing": "不是有效的整数",
    "date_from_datetime_parsing": "不是有效的日期（YYYY-MM-DD）",
    "date_parsing": "不是有效的日期（YYYY-MM-DD）",
    "date_type": "不是有效的日期（YYYY-MM-DD）",
    "bool_parsing": "不是有效的是/否值",
    "literal_error": "取值不在允许范围内：{expected}",
    "string_type": "应为文本",
    "extra_forbidden": "不允许的字段",
    "decimal_max_places": "小数位数过多",
    "decimal_max_digits": "数字位数过多",
    "json_invalid": "JSON格式错误",
    "dict_type": "应为键值对象",
    "model_attributes_type": "格式错误",
}

_RULE_ALIASES = {"greater_than_equal": "min_value", "greater_than": "min_value", "less_than": "max_value",
                 "less_than_equal": "max_value"}


def custom_error(rule: str, zh: str, en: str) -> PydanticCustomError:
    return PydanticCustomError(rule, "{en}", {"en": en, "zh": zh})


def field_errors(exc: ValidationError | list[dict[str, Any]], skip_loc: tuple[str, ...] = ("body",)) -> list[FieldError]:
    errors = exc.errors() if isinstance(exc, ValidationError) else exc
    out: list[FieldError] = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in skip_loc]
        name = ".".join(loc) or "__root__"
        ctx = err.get("ctx") or {}
        kind = err.get("type", "invalid")
        if "zh" in ctx and "en" in ctx:
            out.append(FieldError(name, kind, f"{name}：{ctx['zh']}", f"{name}: {ctx['en']}"))
            continue
        zh = _ZH.get(kind, "取值无效")
        try:
            zh = zh.format(**ctx)
        except (KeyError, IndexError):
            pass
        rule = _RULE_ALIASES.get(kind, kind)
        if rule == "min_value" and (ctx.get("ge") == 0 or ctx.get("gt") == 0):
            rule = "non_negative" if "ge" in ctx else "positive"
        out.append(FieldError(name, rule, f"{name}：{zh}", f"{name}: {err.get('msg', 'invalid')}"))
    return out
