"""Staff screens for deputies, one module per concern: the roster (groups, deputies, export),
mandates, the import wizard, the ledgers, duty records (with the annual summary and score
weights) and 双联系. Importing this package registers them all."""

from .duty_records import DutyRecordAdmin, DutyScoreWeightAdmin
from .import_wizard import IMPORT_SESSION_KEY
from .links import PresidiumLinkAdmin, VoterContactAdmin
from .roster import DeputyAdmin, DeputyGroupAdmin

__all__ = [
    "IMPORT_SESSION_KEY",
    "DeputyAdmin",
    "DeputyGroupAdmin",
    "DutyRecordAdmin",
    "DutyScoreWeightAdmin",
    "PresidiumLinkAdmin",
    "VoterContactAdmin",
]
