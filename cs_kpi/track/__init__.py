"""`cs-kpi track`: the task, issue and collaboration trackers (SPEC §3.1–3.3, §7)."""
