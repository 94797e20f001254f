"""Sentiment over time as a small inline SVG (no JavaScript, no external assets).

Pure: points in, SVG markup out. Each message's polarity in [-1, 1] is plotted at its offset;
the band between -0.3 and 0.3 (Symbl's neutral) is shaded.
"""

from __future__ import annotations

from collections.abc import Sequence

WIDTH, HEIGHT, PAD = 600, 140, 8


def _y(score: float) -> float:
    clamped = max(-1.0, min(1.0, score))
    return PAD + (1 - (clamped + 1) / 2) * (HEIGHT - 2 * PAD)


def sentiment_svg(points: Sequence[tuple[float, float]], duration: float) -> str:
    """``points`` are ``(seconds from start, polarity)``; an empty chart when there are none."""
    span = max(duration, max((t for t, _ in points), default=0.0), 1.0)

    def x(t: float) -> float:
        return PAD + (t / span) * (WIDTH - 2 * PAD)

    band_top, band_bottom = _y(0.3), _y(-0.3)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'width="100%" role="img" aria-label="Sentiment over time" class="chart">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fafbfc"/>',
        f'<rect x="{PAD}" y="{band_top:.1f}" width="{WIDTH - 2 * PAD}" '
        f'height="{band_bottom - band_top:.1f}" fill="#eef0f4"/>',
        f'<line x1="{PAD}" y1="{_y(0):.1f}" x2="{WIDTH - PAD}" y2="{_y(0):.1f}" '
        'stroke="#c5cad3" stroke-dasharray="4 4"/>',
    ]
    if points:
        path = " ".join(f"{x(t):.1f},{_y(s):.1f}" for t, s in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#2458d6" stroke-width="2"/>')
        for t, s in points:
            color = "#1f9d55" if s > 0.3 else "#d64545" if s < -0.3 else "#8a93a3"
            parts.append(f'<circle cx="{x(t):.1f}" cy="{_y(s):.1f}" r="3" fill="{color}"/>')
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["sentiment_svg"]
