"""Finance service: Budget review, audit rectification, state assets, government debt (预决算审查、审计整改、国有资产、政府债务)."""

SERVICE_NAME = "finance"
