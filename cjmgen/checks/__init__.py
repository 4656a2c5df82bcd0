"""Whole-repository checks and how their diagnostics are levelled and reported."""
