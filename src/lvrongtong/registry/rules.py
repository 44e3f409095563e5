"""Cross-field rules on master data (pure: values in, FieldErrors out)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lvrongtong.kit.errors import FieldError


def loan_rules(v: Mapping[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    amount, balance = v.get("amount_cny"), v.get("balance_cny")
    if amount is not None and balance is not None and balance > amount:
        errors.append(FieldError("balance_cny", "balance_le_amount",
                                 f"余额（{balance}）不能大于合同金额（{amount}）",
                                 f"outstanding balance ({balance}) cannot exceed the contract amount ({amount})"))
    approved, disbursed, matures = v.get("approved_on"), v.get("disbursed_on"), v.get("matures_on")
    if approved and disbursed and disbursed < approved:
        errors.append(FieldError("disbursed_on", "disbursement_after_approval",
                                 f"发放日期（{disbursed}）不能早于审批日期（{approved}）",
                                 f"disbursement date ({disbursed}) cannot be before approval ({approved})"))
    start = disbursed or approved
    if start and matures and matures <= start:
        which_zh, which_en = ("发放日期", "disbursement") if disbursed else ("审批日期", "approval")
        errors.append(FieldError("matures_on", "maturity_after_disbursement",
                                 f"到期日期（{matures}）必须晚于{which_zh}（{start}）",
                                 f"maturity ({matures}) must be after {which_en} ({start})"))
    return errors


def bond_rules(v: Mapping[str, Any]) -> list[FieldError]:
    errors = loan_rules({"amount_cny": v.get("amount_cny"), "balance_cny": v.get("balance_cny")})
    issued, matures = v.get("issued_on") or v.get("registered_on"), v.get("matures_on")
    if issued and matures and matures <= issued:
        errors.append(FieldError("matures_on", "maturity_after_issue",
                                 f"到期日期（{matures}）必须晚于发行日期（{issued}）",
                                 f"maturity ({matures}) must be after issue ({issued})"))
    return errors


def project_rules(v: Mapping[str, Any]) -> list[FieldError]:
    starts, ends = v.get("starts_on"), v.get("ends_on")
    if starts and ends and ends < starts:
        return [FieldError("ends_on", "end_after_start", f"完工日期（{ends}）不能早于开工日期（{starts}）",
                           f"end date ({ends}) cannot be before the start date ({starts})")]
    return []
