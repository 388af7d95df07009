"""The SLA workbook: reading it, the SLA rules (SPEC §6) and the SLA report."""
