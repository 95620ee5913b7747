"""Tracking: statuses flow back from Shiprocket (bulk polling and a webhook inbox), forward only.

Entry points live in `fulfil.tracking.service` (`run_tracking_sync`, `render_timeline`,
`create_webhook_app`); the state machine itself is pure, in `fulfil.domain.tracking`.
"""
