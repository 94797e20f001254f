"""Telephony: dial a SIP URI or a phone number (through the trunk), key DTMF, stream audio.

Values (``dtmf``, ``zoom``, ``targets``, ``config``, ``lifecycle``, ``timers``) do no I/O;
``controller.CallController`` runs one call over a ``sip.SipBackend`` such as the embedded
baresip in ``baresip_backend`` (imported on demand: it loads a native library).
"""

from callscribe.telephony.config import TelephonyConfig, TrunkConfig
from callscribe.telephony.controller import (
    AudioSink,
    CallController,
    CallListener,
    CallResult,
    CallUpdate,
)
from callscribe.telephony.dtmf import DtmfSequence, Keys, Pause
from callscribe.telephony.lifecycle import CallState, EndReason
from callscribe.telephony.sip import BACKENDS, SipBackend, create_backend
from callscribe.telephony.targets import PstnTarget, SipTarget, Target, plan_dial
from callscribe.telephony.zoom import zoom_dtmf, zoom_sip_uri

__all__ = [
    "BACKENDS",
    "AudioSink",
    "CallController",
    "CallListener",
    "CallResult",
    "CallState",
    "CallUpdate",
    "DtmfSequence",
    "EndReason",
    "Keys",
    "Pause",
    "PstnTarget",
    "SipBackend",
    "SipTarget",
    "Target",
    "TelephonyConfig",
    "TrunkConfig",
    "create_backend",
    "plan_dial",
    "zoom_dtmf",
    "zoom_sip_uri",
]
