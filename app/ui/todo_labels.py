"""Labels of the ladder vocabularies as the "À faire" page and the ladder editor show them."""

from __future__ import annotations

from app.domain.kinds import Channel, OffsetBase, Tone
from app.i18n import N_

TONE_LABELS = {Tone.COURTEOUS: N_("courteous"), Tone.FIRM: N_("firm"), Tone.FORMAL: N_("formal")}
CHANNEL_LABELS = {Channel.EMAIL: N_("E-mail"), Channel.LETTER: N_("Letter"), Channel.PHONE: N_("Phone"),
                  Channel.REGISTERED_LETTER: N_("Formal notice (LRAR)"), Channel.JUDICIAL: N_("Judicial route")}
BASE_LABELS = {OffsetBase.DUE_DATE: N_("after the due date"), OffsetBase.PREVIOUS_STEP: N_("after the previous step")}
