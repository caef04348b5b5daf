"""Domain of the finance service: Budget review, audit rectification, state assets, government debt (预决算审查、审计整改、国有资产、政府债务).

Pure domain, no framework imports. The aggregates arrive with the finance issue; the kernel
(outbox, inbox, migrations, HTTP and messaging defaults) is already in place.
"""
