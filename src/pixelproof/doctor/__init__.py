"""`pixelproof doctor`: the checklist (`checklist`) and what fills it (`browser`, `probes`)."""
