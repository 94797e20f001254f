"""End-pointing on real prompts: utterance count and bounds, interim cadence, the length cap."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from callscribe.audio.segmenter import (
    EndCandidate,
    InterimAudio,
    Pause,
    Resumed,
    Segmenter,
    SegmenterConfig,
    SpeechStarted,
    Utterance,
)
from callscribe.errors import ValidationFailed

from .conftest import requires_corpus, silence, speech

pytestmark = requires_corpus

NAMES = ["agent-pass", "conf-getpin", "vm-goodbye", "auth-incorrect", "vm-mailboxfull"]


def _run(seg: Segmenter, audio: np.ndarray, chunk: int = 320) -> list[object]:
    events: list[object] = []
    for i in range(0, len(audio), chunk):
        events.extend(seg.feed(audio[i : i + chunk]))
    return events + list(seg.flush())


def test_concatenated_prompts_give_one_utterance_each() -> None:
    parts, bounds, pos = [], [], 0.0
    for name in NAMES:
        clip = speech(name)
        parts += [silence(1.2), clip]
        bounds.append((pos + 1.2, pos + 1.2 + len(clip) / 16000))
        pos += 1.2 + len(clip) / 16000
    audio = np.concatenate([*parts, silence(1.0)])
    events = _run(Segmenter(), audio)
    utts = [e for e in events if isinstance(e, Utterance)]
    starts = [e for e in events if isinstance(e, SpeechStarted)]
    assert len(utts) == len(NAMES)
    assert len(starts) == len(NAMES)
    for utt, (lo, hi) in zip(utts, bounds, strict=True):
        assert lo - 0.35 <= utt.start <= lo + 0.5
        assert hi - 0.5 <= utt.end <= hi + 0.5
        assert len(utt.audio) == pytest.approx((utt.end - utt.start) * 16000, abs=1)
        assert not utt.forced


def test_interims_at_least_once_a_second_while_speaking() -> None:
    clip = np.concatenate([speech("conf-adminmenu")[: 16000 * 9], silence(1.0)])
    events = _run(Segmenter(), clip)
    interims = [e for e in events if isinstance(e, InterimAudio)]
    utts = [e for e in events if isinstance(e, Utterance)]
    assert utts
    spoken = sum(u.end - u.start for u in utts)
    assert len(interims) >= int(spoken) - 1
    ends = [utts[0].start] + [i.end for i in interims]
    assert max(np.diff(ends)) <= 1.1
    for interim in interims:
        assert len(interim.audio) == pytest.approx((interim.end - interim.start) * 16000, abs=1)


def test_end_candidate_holds_exactly_the_utterance_it_ends() -> None:
    clip = np.concatenate([silence(0.5), speech("agent-pass"), silence(1.5)])
    events = _run(Segmenter(), clip)
    utt = next(e for e in events if isinstance(e, Utterance))
    candidates = [e for e in events if isinstance(e, EndCandidate)]
    assert candidates
    last = candidates[-1]
    # the last candidate comes while the pause is being timed, before the utterance closes
    assert events.index(last) < events.index(utt)
    assert not [e for e in events[events.index(last) :] if isinstance(e, Resumed)]
    assert (last.start, last.end) == (utt.start, utt.end)
    np.testing.assert_array_equal(last.audio, utt.audio)


def test_speech_after_a_candidate_withdraws_it() -> None:
    first, second = speech("vm-goodbye"), speech("agent-pass")
    clip = np.concatenate([silence(0.5), first, silence(0.35), second, silence(1.5)])
    events = _run(Segmenter(), clip)
    utts = [e for e in events if isinstance(e, Utterance)]
    assert len(utts) == 1  # a 0.35 s gap is shorter than the 0.6 s pause
    resumed = [i for i, e in enumerate(events) if isinstance(e, Resumed)]
    candidates = [i for i, e in enumerate(events) if isinstance(e, EndCandidate)]
    assert resumed
    assert candidates
    assert candidates[0] < resumed[0]
    assert isinstance(events[candidates[-1]], EndCandidate)
    assert candidates[-1] > resumed[-1]  # the one after the last speech is the real end
    final = events[candidates[-1]]
    assert isinstance(final, EndCandidate)
    np.testing.assert_array_equal(final.audio, utts[0].audio)


def _until_candidate(seg: Segmenter, audio: np.ndarray) -> tuple[EndCandidate, int]:
    """Feed 20 ms chunks until the first end candidate; return it and the samples fed."""
    for i in range(0, len(audio), 320):
        for event in seg.feed(audio[i : i + 320]):
            if isinstance(event, EndCandidate):
                return event, i + 320
    raise AssertionError("no end candidate")


def _silence_heard_at_end(pause: float | None, *, judged_after: float = 0.0) -> float:
    """Silence after the candidate's audio when the utterance ends, ``pause`` set for it
    ``judged_after`` seconds after the candidate came (None: never set); checks that the
    utterance says how much of the usual pause it spared."""
    seg = Segmenter()
    clip = np.concatenate([silence(0.5), speech("agent-pass"), silence(2.0)])
    candidate, fed = _until_candidate(seg, clip)
    events: list[object] = []
    wait = int(judged_after * 16000)
    for i in range(fed, fed + wait, 320):
        events += seg.feed(clip[i : min(i + 320, fed + wait)])
    if pause is not None:
        events += seg.expect_pause(candidate.end, pause)
    for i in range(fed + wait, len(clip), 320):
        if any(isinstance(e, Utterance) for e in events):
            break
        events += seg.feed(clip[i : i + 320])
    utt = next(e for e in events if isinstance(e, Utterance))
    assert (utt.start, utt.end) == (candidate.start, candidate.end)
    np.testing.assert_array_equal(utt.audio, candidate.audio)
    heard = seg.now - utt.end + seg.config.pad
    assert utt.spared == pytest.approx(max(0.0, seg.config.pause - heard), abs=0.07)
    return seg.now - utt.end


def test_the_words_set_the_pause_that_ends_the_candidate() -> None:
    usual = _silence_heard_at_end(None)
    settled = _silence_heard_at_end(0.3)
    open_ = _silence_heard_at_end(1.0)
    pad = SegmenterConfig().pad
    # silence after the kept audio (which holds ``pad`` of it) when the utterance ends
    assert usual == pytest.approx(0.6 - pad, abs=0.07)
    assert settled == pytest.approx(0.3 - pad, abs=0.07)
    assert open_ == pytest.approx(1.0 - pad, abs=0.07)


def test_a_short_pause_already_heard_ends_the_utterance_at_once() -> None:
    late = _silence_heard_at_end(0.3, judged_after=0.25)  # judged at 0.44 s of silence
    assert late == pytest.approx(0.25, abs=0.05)


def _two_prompts() -> np.ndarray:
    """Two prompts 0.5 s apart: a gap shorter than the usual pause, longer than the settled
    one once their own edges are counted."""
    first, second = speech("vm-goodbye"), speech("agent-pass")
    return np.concatenate([silence(0.5), first, silence(0.5), second, silence(1.5)])


def _until_resumed(clip: np.ndarray) -> tuple[Segmenter, EndCandidate, Resumed, int]:
    """Feed 20 ms chunks until speech resumes after the first end candidate: the segmenter,
    that candidate, the :class:`Resumed` event and the samples fed."""
    seg = Segmenter()
    candidate, fed = _until_candidate(seg, clip)
    for i in range(fed, len(clip), 320):
        resumed = [e for e in seg.feed(clip[i : i + 320]) if isinstance(e, Resumed)]
        if resumed:
            return seg, candidate, resumed[0], i + 320
    raise AssertionError("speech did not resume")


def test_a_verdict_after_speech_resumed_is_ignored_when_the_pause_was_shorter() -> None:
    clip = _two_prompts()
    seg, stale, _, fed = _until_resumed(clip)
    assert seg.expect_pause(stale.end, 1.0) == []  # the words say: not finished
    events = _run(seg, clip[fed:])
    utts = [e for e in events if isinstance(e, Utterance)]
    assert len(utts) == 1  # the 0.5 s gap is still shorter than the usual pause
    assert utts[0].start == stale.start
    assert utts[0].end > stale.end + 1.0


def test_a_late_verdict_of_a_finished_sentence_ends_the_utterance_at_its_pause() -> None:
    """On a slow CPU the words of a few seconds of speech are known only after the next
    speaker has begun: a sentence end followed by ``settled_pause`` still ends the utterance."""
    clip = _two_prompts()
    seg, candidate, resumed, fed = _until_resumed(clip)
    assert resumed.doubt  # heard at least settled_pause of quiet before the words were known
    cut = seg.expect_pause(candidate.end, SegmenterConfig().settled_pause)
    assert len(cut) == 1
    assert isinstance(cut[0], Utterance)
    assert (cut[0].start, cut[0].end) == (candidate.start, candidate.end)
    np.testing.assert_array_equal(cut[0].audio, candidate.audio)  # the early final is the final
    assert 0.0 < cut[0].spared < 0.2  # the usual pause was 0.6 s; this one ~0.5 s
    assert seg.expect_pause(candidate.end, 0.4) == []  # settled once
    rest = [e for e in _run(seg, clip[fed:]) if isinstance(e, Utterance)]
    assert len(rest) == 1
    # the new utterance holds the second prompt from ``pad`` before its speech, not the pause
    assert resumed.at - 0.25 <= rest[0].start <= resumed.at - 0.1
    assert rest[0].end > resumed.at + 1.0


def test_a_turn_is_not_cut_where_the_utterance_has_just_begun() -> None:
    clip = _two_prompts()
    seg, candidate, resumed, fed = _until_resumed(clip)
    seg.expect_pause(candidate.end, 0.4)
    # someone else takes the floor, by the pause just settled: nothing left to cut there
    assert seg.cut_near(resumed.at - 0.2) == []
    assert seg.cut_near(resumed.at + 0.3) == []  # (said a little late)
    rest = [e for e in _run(seg, clip[fed:]) if isinstance(e, Utterance)]
    assert len(rest) == 1  # the second prompt whole: no cut waited for further on


def test_no_candidates_when_early_finals_are_off() -> None:
    clip = np.concatenate([silence(0.5), speech("agent-pass"), silence(1.5)])
    events = _run(Segmenter(SegmenterConfig(early_finals=False)), clip)
    assert [e for e in events if isinstance(e, Utterance)]
    assert not [e for e in events if isinstance(e, (EndCandidate, Resumed))]


def test_long_speech_is_split_at_the_cap_near_a_quiet_point() -> None:
    clip = np.concatenate([speech("conf-adminmenu"), speech("conf-adminmenu")])
    cfg = SegmenterConfig(max_utterance=8.0, split_search=3.0, pause=2.0, interims=False)
    utts = [e for e in _run(Segmenter(cfg), clip) if isinstance(e, Utterance)]
    assert len(utts) >= 4
    assert any(u.forced for u in utts)
    for utt in utts:
        assert utt.end - utt.start <= 8.0 + 1e-6
    for a, b in itertools.pairwise(utts):
        if a.forced:
            assert b.start == pytest.approx(a.end)


def test_music_or_silence_keeps_silence_timer_running() -> None:
    seg = Segmenter()
    _run(seg, np.concatenate([speech("vm-goodbye"), silence(5.0)]))
    assert seg.last_speech is not None
    assert 4.5 <= seg.silence_for() <= 5.5
    t = np.arange(16000 * 4) / 16000
    chord = (0.2 * np.sin(2 * np.pi * 262 * t) + 0.2 * np.sin(2 * np.pi * 392 * t)).astype(
        np.float32
    )
    assert not [e for e in seg.feed(chord) if isinstance(e, SpeechStarted)]
    assert seg.silence_for() >= 8.5
    assert not seg.speaking


def test_short_click_is_not_an_utterance() -> None:
    click = np.concatenate([silence(0.5), speech("agent-pass")[8000:9600], silence(1.5)])
    events = _run(Segmenter(), click)
    assert not [e for e in events if isinstance(e, Utterance)]


def test_config_is_validated() -> None:
    with pytest.raises(ValidationFailed, match="thresholds"):
        SegmenterConfig(threshold=0.3, neg_threshold=0.5)
    with pytest.raises(ValidationFailed, match="pause"):
        SegmenterConfig(pause=0)
    with pytest.raises(ValidationFailed, match="settled_pause and open_pause"):
        SegmenterConfig(settled_pause=0)


def test_a_judged_pause_stays_on_its_side_of_the_usual_one() -> None:
    usual = SegmenterConfig(settled_pause=0.4, pause=0.6, open_pause=1.0)
    assert (usual.pause_after(True), usual.pause_after(False)) == (0.4, 1.0)
    long = SegmenterConfig(settled_pause=0.4, pause=2.0, open_pause=1.0)
    assert (long.pause_after(True), long.pause_after(False)) == (0.4, 2.0)
    short = SegmenterConfig(settled_pause=0.4, pause=0.25, open_pause=1.0)
    assert (short.pause_after(True), short.pause_after(False)) == (0.25, 1.0)
    defaults = SegmenterConfig()
    assert defaults.settled_pause < defaults.pause < defaults.open_pause


def test_a_pause_in_an_utterance_is_reported_when_speech_resumes() -> None:
    """A quiet run of ``turn_pause`` or more inside an utterance is where another speaker
    could have taken over: it is reported (once speech resumes) with the utterance's start;
    a gap under ``turn_pause`` is not."""
    first, second = speech("vm-goodbye"), speech("agent-pass")
    for gap, reported in ((0.4, True), (0.06, False)):
        clip = np.concatenate([silence(0.5), first, silence(gap), second, silence(1.5)])
        events = _run(Segmenter(), clip)
        (utt,) = [e for e in events if isinstance(e, Utterance)]
        pauses = [e for e in events if isinstance(e, Pause)]
        between = [p for p in pauses if p.start < 0.5 + len(first) / 16000 + gap < p.end + 0.1]
        assert bool(between) is reported
        for p in pauses:
            assert p.utterance == utt.start
            assert utt.start < p.start < p.end < utt.end
            assert p.end - p.start >= SegmenterConfig().turn_pause - 0.04
        if reported:
            (p,) = between
            assert p.end - p.start == pytest.approx(gap, abs=0.15)
