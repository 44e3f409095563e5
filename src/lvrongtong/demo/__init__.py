"""Deterministic, synthetic but realistic Chongqing demo dataset."""
