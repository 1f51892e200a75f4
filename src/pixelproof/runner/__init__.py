"""The live half of a run (DESIGN §1): journeys in a browser, the in-process sink, the waits.

`session.gather(...)` drives everything and writes the evidence journal; it only WAITS for what
the map expects — `check` (`pixelproof.audit.evaluate`) judges.
"""
