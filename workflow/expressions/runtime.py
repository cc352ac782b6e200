"""Injectable sources of randomness for expressions (States.MathRandom / States.UUID and
JSONata ``$random()`` / ``$uuid()``), so the interpreter can make runs reproducible."""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class ExpressionEnv:
    rng: random.Random
    new_uuid: Callable[[], str]


def _uuid4() -> str:
    return str(uuid.uuid4())


DEFAULT_ENV = ExpressionEnv(rng=random.Random(), new_uuid=_uuid4)


def seeded_env(seed: int | str) -> ExpressionEnv:
    """A deterministic environment: the same seed yields the same numbers and v4 UUIDs."""
    rng = random.Random(seed)

    def new_uuid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return ExpressionEnv(rng=rng, new_uuid=new_uuid)
