"""Storage kernel: async SQLAlchemy for SQLite (embedded default) and PostgreSQL."""
