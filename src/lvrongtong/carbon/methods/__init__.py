"""Every calculation method, by id (``lvrongtong carbon methods``)."""

from __future__ import annotations

from lvrongtong.carbon.method import Method, check_unit_dimensions
from lvrongtong.carbon.methods import benefit, financed, footprint, inventory, process
from lvrongtong.kit.errors import field_error

REGISTRY: dict[str, Method] = {m.id: m for m in (*inventory.METHODS, *process.METHODS, *benefit.METHODS, *footprint.METHODS, *financed.METHODS)}
for _m in REGISTRY.values():
    check_unit_dimensions(_m)


def get_method(method_id: str) -> Method:
    found = REGISTRY.get(method_id)
    if found is None:
        raise field_error("method", "method_known", f"没有计算方法 {method_id}",
                          f"no calculation method {method_id}; see `lvrongtong carbon methods`")
    return found
