"""Tests of the local Conversions API sink (issue 7)."""
