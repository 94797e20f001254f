"""Telephony: dial a SIP URI or a phone number (through the trunk), key DTMF, stream audio.

Values (``dtmf``, ``zoom``, ``targets``, ``config``, ``lifecycle``, ``timers``) do no I/O;
``controller.CallController`` runs one call over a ``sip.SipBackend`` such as the embedded
baresip in ``baresip_backend`` (imported on demand: it loads a native library).

Usage (one backend per process, one controller per call)::

    backend = create_backend("baresip", listen="0.0.0.0:5060")
    await backend.start()
    config = TelephonyConfig(trunk=TrunkConfig("sip.example.net"), allow=("+1",))
    target = PstnTarget.parse("+16465588656")          # or SipTarget("sip:room@host")
    ctl = CallController(backend, target, config, dtmf=zoom_dtmf("85012345678", "123456"),
                         on_audio=lambda pcm, rate, channels: queue.put_nowait(...),
                         on_state=lambda update: print(update.state, update.reason),
                         ids={"connection_id": cid, "conversation_id": conv})
    result = await ctl.run()        # ctl.stop() ends it; ctl.speech_heard() on each utterance

The sink and the listener run on the event loop: keep them quick (enqueue, don't decode).
``speech_heard`` may be called from any thread; ``stop`` only on the loop
(``loop.call_soon_threadsafe(ctl.stop)`` from elsewhere).
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
