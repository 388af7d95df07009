"""QA sampling of ticket exports (SPEC §8, `qa-sample`): the rule, the reading, the checklist."""
