"""Pure Meta knowledge: wire parsers, the CAPI validator, attribution, pairing, standard events."""
