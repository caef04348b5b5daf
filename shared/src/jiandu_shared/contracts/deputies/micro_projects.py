"""Events of micro projects (微实事): money as exact decimal yuan (jiandu_shared.money)."""

from __future__ import annotations
