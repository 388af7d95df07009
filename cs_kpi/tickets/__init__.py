"""Ticket exports from help desks (SPEC §8): recognised (`ingest`), computed (`engine`)."""
