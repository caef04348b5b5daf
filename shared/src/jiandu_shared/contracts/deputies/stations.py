"""Events of liaison stations (代表联络站), their star rating and deputies' performance (履职)."""

from __future__ import annotations
