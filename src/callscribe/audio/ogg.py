"""Sans-I/O Ogg page reader (RFC 3533): bytes in, complete logical-stream packets out.

Streaming clients send Ogg/Opus in arbitrary slices; this reassembles pages and laced packets
(a packet may span pages) so each Opus packet can go to the decoder as soon as it is whole.
Only the first logical stream is followed; others (chained or multiplexed) are ignored.
"""

from __future__ import annotations

from callscribe.errors import UnsupportedMedia

CAPTURE = b"OggS"
_HEADER = 27


class OggPacketReader:
    """Feed bytes with :meth:`feed`; it returns the packets completed by them."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._partial = bytearray()
        self._serial: int | None = None
        self._offset = 0

    def feed(self, data: bytes) -> list[bytes]:
        """Consume ``data``; raise ``UnsupportedMedia`` if it is not an Ogg stream."""
        self._buf += data
        packets: list[bytes] = []
        while len(self._buf) >= _HEADER:
            if self._buf[:4] != CAPTURE:
                raise UnsupportedMedia(
                    f"Ogg stream: expected page capture pattern 'OggS' at byte {self._offset}, "
                    f"got {bytes(self._buf[:4])!r}"
                )
            if self._buf[4] != 0:
                raise UnsupportedMedia(
                    f"Ogg stream: unsupported page version {self._buf[4]} at byte {self._offset}"
                )
            nsegs = self._buf[26]
            if len(self._buf) < _HEADER + nsegs:
                break
            lacing = self._buf[_HEADER : _HEADER + nsegs]
            body_len = sum(lacing)
            total = _HEADER + nsegs + body_len
            if len(self._buf) < total:
                break
            serial = int.from_bytes(self._buf[14:18], "little")
            if self._serial is None:
                self._serial = serial
            if serial == self._serial:
                packets.extend(self._packets(bytes(self._buf[_HEADER + nsegs : total]), lacing))
            del self._buf[:total]
            self._offset += total
        return packets

    def _packets(self, body: bytes, lacing: bytearray) -> list[bytes]:
        out: list[bytes] = []
        pos = 0
        for size in lacing:
            self._partial += body[pos : pos + size]
            pos += size
            if size < 255:
                out.append(bytes(self._partial))
                self._partial.clear()
        return out

    @property
    def pending_bytes(self) -> int:
        """Bytes held that do not yet form a complete page or packet."""
        return len(self._buf) + len(self._partial)


__all__ = ["CAPTURE", "OggPacketReader"]
