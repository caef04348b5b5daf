"""HTTP defaults shared by every service: problem+json, correlation ids, health, auth."""
