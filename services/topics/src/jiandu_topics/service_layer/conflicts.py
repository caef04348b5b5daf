"""Commit, turning what the database refused because of a concurrent change into a 409."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from jiandu_shared.errors import Conflict
from jiandu_shared.storage.unit_of_work import UnitOfWork


async def commit(uow: UnitOfWork, *, duplicate: str) -> None:
    """``uow.commit()``; ``duplicate`` says what a uniqueness violation means to the caller.

    The domain checks uniqueness first; the constraint catches the request that raced it.
    """
    try:
        await uow.commit()
    except IntegrityError as exc:
        raise Conflict(duplicate) from exc
    except StaleDataError as exc:
        raise Conflict(
            "the record was changed by another request meanwhile; reload and retry"
        ) from exc
