"""pixelproof: audit Meta Pixel + Conversions API tracking."""

__version__ = "0.1.0"
