"""The performance-review workbook: reading it, the appraisal rules (SPEC §4) and the report (§5)."""
