"""Events of public questioning and face-to-face meetings (电视网络问政、代表面对面)."""

from __future__ import annotations
