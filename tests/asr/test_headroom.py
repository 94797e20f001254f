"""Interims give way as the machine's CPUs fill: the load reading and the share it allows."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from callscribe.asr.headroom import BUSY_FROM, BUSY_TO, FLOOR, CpuLoad, interim_share
from callscribe.asr.scheduler import RecognitionScheduler

from .conftest import SlowInterims


def _stat(path: Path, idle: int, total: int) -> None:
    """A /proc/stat whose first line has ``total`` jiffies, ``idle`` of them idle or iowait."""
    busy = total - idle
    path.write_text(f"cpu  {busy} 0 0 {idle - 10} 10 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n")


def test_the_load_is_the_busy_share_of_all_cpus_between_readings(tmp_path: Path) -> None:
    stat, now = tmp_path / "stat", [0.0]
    _stat(stat, idle=100, total=200)
    load = CpuLoad(stat, interval=0.5, smoothing=1.0, clock=lambda: now[0])
    assert load.busy() is None  # one reading: no interval yet
    _stat(stat, idle=120, total=300)  # 100 jiffies later, 20 idle: 80 % busy
    now[0] = 0.2
    assert load.busy() is None  # read at most once per interval
    now[0] = 0.6
    assert load.busy() == pytest.approx(0.8)
    _stat(stat, idle=170, total=400)  # 50 of 100 idle
    now[0] = 1.2
    assert load.busy() == pytest.approx(0.5)


def test_readings_are_smoothed_and_a_missing_file_gives_none(tmp_path: Path) -> None:
    stat, now = tmp_path / "stat", [0.0]
    _stat(stat, idle=100, total=200)
    load = CpuLoad(stat, interval=0.5, smoothing=0.5, clock=lambda: now[0])
    _stat(stat, idle=100, total=300)  # 100 % busy
    now[0] = 1.0
    assert load.busy() == pytest.approx(1.0)  # the first sample is taken as it is
    _stat(stat, idle=200, total=400)  # 0 % busy
    now[0] = 2.0
    assert load.busy() == pytest.approx(0.5)
    assert CpuLoad(tmp_path / "absent").busy() is None


def test_interims_keep_their_share_with_cpu_to_spare_and_give_way_as_it_fills() -> None:
    assert interim_share(0.5, None) == 0.5
    assert interim_share(0.5, BUSY_FROM) == 0.5
    assert interim_share(0.5, BUSY_TO) == pytest.approx(0.5 * FLOOR)
    assert interim_share(0.5, 1.0) == pytest.approx(0.5 * FLOOR)
    middle = interim_share(0.5, (BUSY_FROM + BUSY_TO) / 2)
    assert 0.5 * FLOOR < middle < 0.5


@pytest.mark.parametrize(("busy", "spacing"), [(0.0, 0.2), (1.0, 0.2 * (1 - 0.1) / 0.1)])
async def test_a_full_machine_spaces_interims_further_apart(busy: float, spacing: float) -> None:
    scheduler = RecognitionScheduler(SlowInterims(0.2), interim_share=0.5, load=lambda: busy)
    async with scheduler:
        audio = np.zeros(16000, np.float32)
        await scheduler.interim("a", audio)
        after = scheduler._interims_after - time.monotonic()
    assert scheduler.stats.interim_share == pytest.approx(0.5 if busy == 0.0 else 0.5 * FLOOR)
    assert after == pytest.approx(spacing, abs=0.1)
