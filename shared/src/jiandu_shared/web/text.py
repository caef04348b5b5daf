"""Constraints on free text in request models, stated so the OpenAPI says what is enforced.

Not ``\\s`` nor ``\\S`` in a pattern: JSON Schema reads patterns as ECMAScript, whose ``\\s``
leaves out U+0085 and adds U+FEFF, while pydantic (Rust's regex, and its whitespace
stripping) means Unicode ``White_Space``. A client or fuzzer would take ``"\\x85"`` for text
that the service then finds blank. These spell the service's meaning out.
"""

from __future__ import annotations

WHITE_SPACE = r"\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""Unicode ``White_Space``, for inside a character class: what pydantic strips and ``\\s``
matches in its patterns."""

NO_NUL = r"^[^\x00]*$"
"""No NUL character (U+0000), which every text of a request is refused for (PostgreSQL cannot
store it; ``web.middleware``). ``web.openapi`` states it on every otherwise free string."""

NOT_BLANK = rf"^[^\x00]*[^{WHITE_SPACE}\x00][^\x00]*$"
"""A pattern for "not blank": some character that is not white space, and no NUL. For a field of
a model with ``str_strip_whitespace`` and ``min_length=1``, where a text made only of white
space is stripped to nothing and refused although ``minLength: 1`` allows it."""
