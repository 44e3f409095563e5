"""Product carbon footprint, cradle to gate, over a bill of materials and a supplier graph.

Input ``graph``: ``{"product": "P1", "items": [...]}``; each item:

    {"id": "P1", "name": "…", "unit": "piece",
     "supplier_specific": {"value": 1.8, "source": "supplier EPD …"}   # kgCO2e per unit, used as is when present
     "electricity_kwh": 3.2, "region": "500000", "year": 2023,         # own process electricity per unit
     "direct_kgco2e": 0.4,                                              # own direct emissions per unit
     "factor": {"value": 2.1, "source": "…"},                           # database factor, kgCO2e per unit
     "components": [{"id": "A1", "quantity": 2.5}]}                    # units of A1 per unit of P1

Footprint per unit (kgCO2e): supplier-specific figure when present; otherwise the item's own
electricity × grid factor + direct emissions + database factor (if any) + Σ quantity × footprint of
each component. Supplier-specific data replaces the database path for that item and everything under
it (the ISO 14067 / GHG Protocol Product Standard preference for primary data; platform's reading).
A cycle in the graph is an error that names it (A → B → A); an unknown component id, a negative
quantity or a missing source is refused naming the item.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lvrongtong.carbon.factors import FactorSource
from lvrongtong.carbon.method import Input, Method, Output, Trace
from lvrongtong.kit.errors import FieldError, ValidationFailed


def _dec(item_id: str, name: str, value: Any) -> Decimal:
    try:
        out = Decimal(str(value))
    except ArithmeticError:
        raise ValidationFailed([FieldError(f"items[{item_id}].{name}", "number", f"{item_id} 的 {name} 不是数字",
                                           f"{name} of {item_id} is not a number")]) from None
    if not out.is_finite() or out < 0:
        raise ValidationFailed([FieldError(f"items[{item_id}].{name}", "non_negative", f"{item_id} 的 {name} 不能为负",
                                           f"{name} of {item_id} must be a non-negative number")])
    return out


def _items(graph: Any) -> tuple[str, dict[str, dict]]:
    if not isinstance(graph, dict) or not isinstance(graph.get("items"), list) or "product" not in graph:
        raise ValidationFailed([FieldError("graph", "graph_shape", "应为 {product, items:[...]}",
                                           "graph must be {product, items: [...]}")])
    items: dict[str, dict] = {}
    for raw in graph["items"]:
        item_id = str(raw.get("id", "")) if isinstance(raw, dict) else ""
        if not item_id or item_id in items:
            raise ValidationFailed([FieldError("items", "id_unique", f"条目编号缺失或重复：{item_id!r}",
                                               f"item id missing or repeated: {item_id!r}")])
        items[item_id] = raw
    product = str(graph["product"])
    problems = [FieldError(f"items[{i}].components", "component_known", f"{i} 引用了未定义的组件 {c.get('id')}",
                           f"{i} uses an undefined component {c.get('id')}")
                for i, item in items.items() for c in item.get("components", []) if str(c.get("id")) not in items]
    if product not in items:
        problems.append(FieldError("product", "component_known", f"产品 {product} 未定义", f"product {product} is not defined"))
    if problems:
        raise ValidationFailed(problems)
    return product, items


def _find_cycle(product: str, items: dict[str, dict]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for c in items[node].get("components", []):
            child = str(c["id"])
            if state.get(child) == 1:
                return path[path.index(child):] + [child]
            if child not in state and (found := visit(child)):
                return found
        path.pop()
        state[node] = 2
        return None

    return visit(product)


def product_footprint(inputs: dict[str, Any], factors: FactorSource, trace: Trace) -> dict[str, Decimal]:
    product, items = _items(inputs["graph"])
    cycle = _find_cycle(product, items)
    if cycle:
        chain = " → ".join(cycle)
        raise ValidationFailed([FieldError("graph", "no_cycle", f"物料/供应商关系存在循环：{chain}",
                                           f"the bill of materials has a cycle: {chain}")])
    memo: dict[str, Decimal] = {}

    def per_unit(node: str) -> Decimal:
        if node in memo:
            return memo[node]
        item = items[node]
        spec = item.get("supplier_specific")
        if spec is not None:
            value = _dec(node, "supplier_specific", spec.get("value") if isinstance(spec, dict) else spec)
            if not (isinstance(spec, dict) and spec.get("source")):
                raise ValidationFailed([FieldError(f"items[{node}].supplier_specific", "source_required",
                                                   f"{node} 的供应商数据须注明来源", f"supplier figure of {node} needs a source")])
            memo[node] = trace.step(node, f"供应商数据 supplier-specific ({spec['source']})", value, "kgCO2e/unit")
            return memo[node]
        total = Decimal(0)
        if item.get("electricity_kwh"):
            kwh = _dec(node, "electricity_kwh", item["electricity_kwh"])
            ef = trace.factor(factors, "grid_co2", "average", region=str(item.get("region", "CN")),
                              year=int(item["year"]) if item.get("year") else None, unit="kgCO2/kWh",
                              field_name=f"items[{node}].region")
            total += trace.step(f"{node}.electricity", f"{kwh} kWh × {ef} kgCO2/kWh", kwh * ef, "kgCO2e/unit")
        if item.get("direct_kgco2e"):
            total += trace.step(f"{node}.direct", "直接排放 direct", _dec(node, "direct_kgco2e", item["direct_kgco2e"]),
                                "kgCO2e/unit")
        if item.get("factor") is not None:
            f = item["factor"]
            if not (isinstance(f, dict) and f.get("source")):
                raise ValidationFailed([FieldError(f"items[{node}].factor", "source_required",
                                                   f"{node} 的数据库因子须注明来源", f"database factor of {node} needs a source")])
            total += trace.step(f"{node}.factor", f"数据库因子 database factor ({f['source']})",
                                _dec(node, "factor", f.get("value")), "kgCO2e/unit")
        for c in item.get("components", []):
            qty = _dec(node, "quantity", c.get("quantity", 0))
            total += trace.step(f"{node}←{c['id']}", f"{qty} × {per_unit(str(c['id']))}", qty * per_unit(str(c["id"])),
                                "kgCO2e/unit")
        memo[node] = trace.step(node, f"{node} 合计 total", total, "kgCO2e/unit")
        return memo[node]

    return {"footprint": per_unit(product)}


PRODUCT_FOOTPRINT = Method(
    id="footprint.product",
    title_zh="产品碳足迹（摇篮到大门，物料清单与供应商图）", title_en="Product carbon footprint (cradle to gate)",
    group="footprint",
    inputs=(Input("graph", "物料清单与供应商图（JSON）", "bill of materials and supplier graph (JSON)", kind="object"),),
    outputs=(Output("footprint", "kgCO2e", "单位产品碳足迹（每单位）", "footprint per unit of product"),),
    formula="CF(i) = 供应商数据 | 自身用电 × EF_grid + 直接排放 + 数据库因子 + Σ 用量 × CF(组件)",
    source="ISO 14067 / GHG Protocol Product Standard 思路（摇篮到大门）；优先采用供应商一手数据为平台的解读；电网因子：生态环境部、国家统计局",
    verification="platform",
    compute=product_footprint,
    example={"graph": {"product": "inverter", "items": [
        {"id": "inverter", "electricity_kwh": 12, "region": "500000", "year": 2022,
         "components": [{"id": "housing", "quantity": 1}, {"id": "board", "quantity": 2}]},
        {"id": "housing", "factor": {"value": 8.5, "source": "示例：供应商所在行业数据库因子"}},
        {"id": "board", "supplier_specific": {"value": 3.2, "source": "示例：供应商 EPD"}}]}},
)

METHODS = (PRODUCT_FOOTPRINT,)
