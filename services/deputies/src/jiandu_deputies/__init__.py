"""Deputies service: Deputy liaison, citizens' opinions, deputy suggestions (代表联络、民情民意、代表建议)."""

SERVICE_NAME = "deputies"
