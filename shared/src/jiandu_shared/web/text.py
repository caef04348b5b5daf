"""Constraints on free text in request models, stated so the OpenAPI says what is enforced."""

from __future__ import annotations

NOT_BLANK = r"[^\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
"""A pattern for "not blank": some character that is not Unicode white space.

For a field of a model with ``str_strip_whitespace`` and ``min_length=1``: pydantic strips
exactly the Unicode ``White_Space`` characters listed here, so a text made only of them is
refused although ``minLength: 1`` allows it. Not ``\\S``: JSON Schema reads patterns as
ECMAScript, whose ``\\s`` leaves out U+0085 (and adds U+FEFF), so a client or fuzzer would
take ``"\\x85"`` for text that the service then strips to nothing.
"""
