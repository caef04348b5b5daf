"""Events of grassroots legislative contact points (基层立法联系点)."""

from __future__ import annotations
