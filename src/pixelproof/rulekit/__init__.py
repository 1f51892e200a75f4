"""Shared reading helpers for rule modules: the event map, the timeline, personas, drafts.

Kept outside `checks/` so that every module there is a rule (the registry test proves it).
"""
