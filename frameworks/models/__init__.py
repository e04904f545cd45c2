"""Framework content: reference data loaded from fixtures and edited in the admin.

* ``versions``: a framework's editions and everything in them, frozen once published
  (``frameworks.freeze``);
* ``reference``: the shared reference content from the sources, which no score depends on;
* ``history``: who changed what in the admin;
* ``base``: what all content shares: a natural key (``NATURAL_KEY``) for fixtures, and bulk
  writes that keep to the freeze.
"""

from frameworks.freeze import FrozenContentError
from frameworks.models.history import ContentChange
from frameworks.models.reference import (
    ApproachFeature,
    ApproachType,
    Consideration,
    KeyStep,
    PracticalQuestion,
    Resource,
    Source,
    ValueMode,
)
from frameworks.models.versions import (
    SCALE_MAX,
    SCALE_MIN,
    Band,
    Characteristic,
    CharacteristicConsideration,
    CharacteristicKeyStep,
    Example,
    Framework,
    FrameworkVersion,
    Indicator,
    IndicatorTip,
    Suggestion,
    Theme,
    ValueModeWeight,
)

__all__ = [
    "SCALE_MAX",
    "SCALE_MIN",
    "ApproachFeature",
    "ApproachType",
    "Band",
    "Characteristic",
    "CharacteristicConsideration",
    "CharacteristicKeyStep",
    "Consideration",
    "ContentChange",
    "Example",
    "Framework",
    "FrameworkVersion",
    "FrozenContentError",
    "Indicator",
    "IndicatorTip",
    "KeyStep",
    "PracticalQuestion",
    "Resource",
    "Source",
    "Suggestion",
    "Theme",
    "ValueMode",
    "ValueModeWeight",
]
