"""Topics service: supervision topics, annual plan, special inquiries, deliberation opinions."""

SERVICE_NAME = "topics"
