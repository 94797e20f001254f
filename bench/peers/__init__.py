"""callscribe beside a peer streaming server on the same audio and the same local model.

The peer is WhisperLive (``whisper-live``, the streaming Whisper server Vexa uses), installed by
``bench/peers/install`` into its own virtualenv (``bench/peers/.venv``): its requirements
(torch, CUDA libraries, OpenVINO) must not reach callscribe's. Run from the repository root:
``.venv/bin/python -m bench.peers [--prompts 30] [--rounds 2]``.
"""

from bench.needs import ASTERISK_PROMPTS, require

require("bench.peers", modules=("jiwer", "whisper_normalizer"), files=ASTERISK_PROMPTS)
