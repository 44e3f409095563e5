"""GB 32100-2015 check character: published sample, each failure rule, and invariants."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lvrongtong.reference.uscc import CHARSET, check_character, make_uscc, validate_uscc


def test_published_sample_is_valid():
    # facts.md §9.1: verified sample
    result = validate_uscc("9144030071526726XG")
    assert result.valid and result.region_code == "440300" and not result.notes


@pytest.mark.parametrize("code, rule", [
    ("9144030071526726X", "uscc_length"),
    ("9144030071526726XGG", "uscc_length"),
    ("", "uscc_length"),
    ("914403007152672OXG", "uscc_charset"),  # letter O is never used
    ("91440300715267S6XG", "uscc_charset"),
    ("9144030071526726XA", "uscc_check_character"),
])
def test_each_rule_names_itself(code, rule):
    result = validate_uscc(code)
    assert not result.valid
    assert result.problems[0].rule == rule
    assert result.problems[0].message_zh and result.problems[0].message_en


def test_lowercase_and_spaces_are_normalised():
    assert validate_uscc(" 9144030071526726xg ").valid


def test_wrong_check_message_names_expected_character():
    result = validate_uscc("9144030071526726XA")
    assert result.expected_check == "G"
    assert "G" in result.problems[0].message_en


body = st.text(alphabet=CHARSET, min_size=8, max_size=8)


@given(body)
def test_assembled_codes_validate(b):
    assert validate_uscc(make_uscc("9", "1", "500112", b)).valid


@given(body, st.integers(min_value=0, max_value=16), st.sampled_from(CHARSET))
def test_any_single_substitution_is_detected(b, pos, ch):
    code = make_uscc("9", "1", "500112", b)
    mutated = code[:pos] + ch + code[pos + 1:]
    if mutated != code:
        assert not validate_uscc(mutated).valid


def test_check_character_in_charset():
    assert check_character("91440300715267260") in CHARSET
