"""Events of the deputies service, one module per area; importing this package registers them."""

from jiandu_shared.contracts.deputies import (
    legislation,
    micro_projects,
    opinions,
    questioning,
    registry,
    stations,
    suggestions,
)
from jiandu_shared.contracts.deputies.opinions import OpinionRaisedAsTopic

__all__ = [
    "OpinionRaisedAsTopic",
    "legislation",
    "micro_projects",
    "opinions",
    "questioning",
    "registry",
    "stations",
    "suggestions",
]
