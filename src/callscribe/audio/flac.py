"""Sans-I/O FLAC stream framer (RFC 9639): bytes in, whole frames out, for streaming decode.

FFmpeg's FLAC parser holds back the last frames of a stream and offers no flush through PyAV,
so we split frames ourselves: a frame starts at a sync code whose header passes its CRC-8 and
whose frame/sample number continues the previous frame's. That makes a false split inside
compressed data practically impossible, and a frame is released as soon as the next one starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from callscribe.errors import UnsupportedMedia

MAGIC = b"fLaC"


def _crc8_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
        table.append(crc)
    return table


_CRC8 = _crc8_table()


def _crc8(data: bytes | bytearray) -> int:
    crc = 0
    for byte in data:
        crc = _CRC8[crc ^ byte]
    return crc


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """The STREAMINFO block: what the decoder needs before the first frame."""

    raw: bytes
    sample_rate: int
    channels: int
    bits_per_sample: int


@dataclass(frozen=True, slots=True)
class _Header:
    number: int
    variable: bool
    block_size: int


def _block_size(code: int, explicit: int) -> int:
    if code == 1:
        return 192
    if 2 <= code <= 5:
        return 576 << (code - 2)
    if code in (6, 7):
        return explicit + 1
    return 256 << (code - 8)


def _parse_header(buf: bytearray, pos: int) -> _Header | bool | None:
    """A valid header at ``pos``; None if not one; False if more bytes are needed to tell."""
    if len(buf) < pos + 5:
        return False
    b1, b2, b3 = buf[pos + 1], buf[pos + 2], buf[pos + 3]
    if buf[pos] != 0xFF or b1 not in (0xF8, 0xF9):
        return None
    bs_code, sr_code = b2 >> 4, b2 & 0x0F
    if bs_code == 0 or sr_code == 15 or (b3 >> 4) > 10 or b3 & 1 or ((b3 >> 1) & 7) == 3:
        return None
    first = buf[pos + 4]
    extra = 0
    if first >= 0x80:
        if first & 0xC0 == 0x80 or first == 0xFF:
            return None
        extra = 8 - (first ^ 0xFF).bit_length() - 1
    end = pos + 5 + extra
    extra_bs = {6: 1, 7: 2}.get(bs_code, 0)
    extra_sr = {12: 1, 13: 2, 14: 2}.get(sr_code, 0)
    crc_at = end + extra_bs + extra_sr
    if len(buf) < crc_at + 1:
        return False
    number = first & ((1 << (7 - extra - (1 if extra else 0))) - 1) if extra else first
    for i in range(extra):
        byte = buf[pos + 5 + i]
        if byte & 0xC0 != 0x80:
            return None
        number = (number << 6) | (byte & 0x3F)
    if _crc8(buf[pos:crc_at]) != buf[crc_at]:
        return None
    explicit = int.from_bytes(buf[end : end + extra_bs], "big") if extra_bs else 0
    return _Header(number, b1 == 0xF9, _block_size(bs_code, explicit))


class FlacFramer:
    """Feed bytes of a native FLAC stream; get STREAMINFO once and whole frames as they close."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self.stream_info: StreamInfo | None = None
        self._in_metadata = True
        self._current: _Header | None = None
        self._scan = 1

    def feed(self, data: bytes) -> list[bytes]:
        """Consume ``data``; return the frames it completed (the newest frame stays open)."""
        self._buf += data
        if self._in_metadata and not self._read_metadata():
            return []
        return self._split()

    def flush(self) -> list[bytes]:
        """End of stream: the open frame, if any, is complete now."""
        if self._in_metadata:
            if self._buf or self.stream_info is None:
                raise UnsupportedMedia("FLAC stream ended inside its metadata header")
            return []
        frames = self._split()
        if self._buf:
            frames.append(bytes(self._buf))
            self._buf.clear()
        return frames

    def _read_metadata(self) -> bool:
        if len(self._buf) < 4:
            if not MAGIC.startswith(bytes(self._buf)):
                raise UnsupportedMedia(f"not a FLAC stream: starts with {bytes(self._buf)!r}")
            return False
        if self._buf[:4] != MAGIC:
            raise UnsupportedMedia(
                f"not a FLAC stream: expected 'fLaC' at byte 0, got {bytes(self._buf[:4])!r}"
            )
        pos = 4
        while True:
            if len(self._buf) < pos + 4:
                return False
            kind, size = self._buf[pos], int.from_bytes(self._buf[pos + 1 : pos + 4], "big")
            if len(self._buf) < pos + 4 + size:
                return False
            if kind & 0x7F == 0:
                self.stream_info = _stream_info(bytes(self._buf[pos + 4 : pos + 4 + size]))
            pos += 4 + size
            if kind & 0x80:
                break
        if self.stream_info is None:
            raise UnsupportedMedia("FLAC stream has no STREAMINFO block")
        del self._buf[:pos]
        self._in_metadata = False
        return True

    def _split(self) -> list[bytes]:
        frames: list[bytes] = []
        if self._current is None:
            head = _parse_header(self._buf, 0) if self._buf else False
            if head is False:
                return frames
            if head is None or head is True:
                raise UnsupportedMedia("FLAC stream: no frame header after the metadata")
            self._current = head
        while True:
            pos = self._buf.find(b"\xff", self._scan)
            if pos < 0:
                self._scan = max(1, len(self._buf))
                return frames
            head = _parse_header(self._buf, pos)
            if head is False:
                self._scan = pos
                return frames
            if isinstance(head, _Header) and self._continues(head):
                frames.append(bytes(self._buf[:pos]))
                del self._buf[:pos]
                self._current = head
                self._scan = 1
            else:
                self._scan = pos + 1

    def _continues(self, head: _Header) -> bool:
        cur = self._current
        assert cur is not None
        if head.variable != cur.variable:
            return False
        step = cur.block_size if cur.variable else 1
        return head.number == cur.number + step


def _stream_info(raw: bytes) -> StreamInfo:
    if len(raw) != 34:
        raise UnsupportedMedia(f"FLAC STREAMINFO block has {len(raw)} bytes, expected 34")
    packed = int.from_bytes(raw[10:18], "big")
    rate = packed >> 44
    channels = ((packed >> 41) & 0x7) + 1
    bits = ((packed >> 36) & 0x1F) + 1
    if rate == 0:
        raise UnsupportedMedia("FLAC STREAMINFO declares a sample rate of 0")
    return StreamInfo(raw=raw, sample_rate=rate, channels=channels, bits_per_sample=bits)


__all__ = ["MAGIC", "FlacFramer", "StreamInfo"]
