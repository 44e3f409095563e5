"""Unified social credit code (统一社会信用代码) validation — GB 32100-2015.

Structure (GB 32100-2015 §4): position 1 registration authority, 2 entity category,
3–8 administrative division code (GB/T 2260), 9–17 entity identifier (the GB 11714
organisation code, whose 9th character is its own check), 18 check character.

Check character (GB 32100-2015 §5, ISO 7064 MOD 31-3 style)::

    C18 = (31 − Σ_{i=1}^{17} v(c_i)·W_i mod 31) mod 31,   W_i = 3^(i−1) mod 31

with v() the index of the character in ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (31 characters,
no I, O, S, V, Z). Worked example (facts.md §9.1): ``9144030071526726XG`` is valid.

The embedded organisation code (positions 9–17) carries a GB 11714-1997 check:
``C9 = 11 − Σ v(c_i)·w_i mod 11`` with w = 3,7,9,10,5,8,4,2, 10 → 'X', 11 → '0'.
It is reported as a note, not an error: the national standard defines validity of the
USCC by its own check character.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class UsccProblem:
    rule: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class UsccResult:
    code: str
    valid: bool
    problems: list[UsccProblem] = field(default_factory=list)
    notes: list[UsccProblem] = field(default_factory=list)
    expected_check: str | None = None

    @property
    def region_code(self) -> str | None:
        return self.code[2:8] if self.valid else None


def check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters (all in CHARSET)."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_code_check(first8: str) -> str | None:
    """GB 11714 check character for the 8-character organisation code body, or None if not computable."""
    try:
        total = sum(ORG_CHARSET.index(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    except ValueError:
        return None
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def validate_uscc(raw: str) -> UsccResult:
    code = (raw or "").strip().upper()
    if len(code) != 18:
        return UsccResult(code, False, [UsccProblem(
            "uscc_length",
            f"统一社会信用代码应为18位，实际为{len(code)}位",
            f"a unified social credit code has 18 characters, got {len(code)}",
        )])
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return UsccResult(code, False, [UsccProblem(
            "uscc_charset",
            f"含有不允许的字符：{''.join(bad)}（不得使用I、O、S、V、Z）",
            f"characters not allowed: {''.join(bad)} (I, O, S, V, Z are never used)",
        )])
    expected = check_character(code[:17])
    notes: list[UsccProblem] = []
    org_check = org_code_check(code[8:16])
    if org_check is not None and org_check != code[16]:
        notes.append(UsccProblem(
            "org_code_check",
            f"第9–17位组织机构代码校验位应为{org_check}（GB 11714），实为{code[16]}",
            f"the organisation code in positions 9–17 should end in {org_check} (GB 11714), got {code[16]}",
        ))
    if expected != code[17]:
        return UsccResult(code, False, [UsccProblem(
            "uscc_check_character",
            f"校验码错误：第18位应为{expected}，实为{code[17]}",
            f"wrong check character: position 18 should be {expected}, got {code[17]}",
        )], notes, expected)
    return UsccResult(code, True, [], notes, expected)


def make_uscc(authority: str, category: str, region6: str, org_body8: str) -> str:
    """Assemble a valid USCC from its parts (used by the demo generator and tests)."""
    org = org_body8 + (org_code_check(org_body8) or "0")
    first17 = authority + category + region6 + org
    return first17 + check_character(first17)
