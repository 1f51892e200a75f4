"""`pixelproof init --from-url`: record what a page fires (`session`) and draft a map (`draft`)."""
