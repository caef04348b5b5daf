"""Notifications service: delivery, reminders, escalation, partner-agency subscriptions."""

SERVICE_NAME = "notifications"
