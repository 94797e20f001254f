"""The live chain of one connection, stage by stage: the audio clock (``clock``), who speaks
when (``timeline``), speaker attribution (``attribution``), whole-sentence messages
(``assembly``, ``sentences``), storing and analysing them (``writer``), and the session that
owns a connection's lifecycle and wires the stages (``session``)."""
