"""Imports every capability's tables so that ``metadata`` is complete (migrations, tests)."""

from lvrongtong.accounts import models as _accounts  # noqa: F401
from lvrongtong.audit import models as _audit  # noqa: F401
from lvrongtong.auth import models as _auth  # noqa: F401
from lvrongtong.carbon import models as _carbon  # noqa: F401
from lvrongtong.demo import models as _demo  # noqa: F401
from lvrongtong.identification import models as _identification  # noqa: F401
from lvrongtong.iot import models as _iot  # noqa: F401
from lvrongtong.kit import dataversion as _dataversion  # noqa: F401
from lvrongtong.kit.db import Base
from lvrongtong.reference import models as _reference  # noqa: F401
from lvrongtong.registry import models as _registry  # noqa: F401
from lvrongtong.reporting import models as _reporting  # noqa: F401

metadata = Base.metadata
