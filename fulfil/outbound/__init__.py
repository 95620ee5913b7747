"""Outbound delivery: the outboxes' delivery service, alert evaluation and their wiring."""
