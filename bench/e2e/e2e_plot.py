# SPDX-License-Identifier: MIT
"""The end-to-end benchmark's figure, written as plain SVG (no plotting library needed): loss and
CPU time per frame against the number of channels, one line per receiver, one row of panels per
generator, for the first traffic kind that was swept over channel counts."""

import html
import math

COLORS = {"canring1": "#1b6ac9", "canring4": "#6aa8f0", "log": "#2a9d8f", "candump": "#d62828",
          "candump-l": "#f28482", "recvmsg": "#7a7a7a", "recvmmsg": "#222222"}
W, H = 420, 260  # one panel
ML, MR, MT, MB = 64, 16, 34, 44


def _nice_top(v):
    if v <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * e:
            return m * e
    return 10 * e


def _panel(out, x0, y0, title, xs, series, ylabel, fmt):
    pw, ph = W - ML - MR, H - MT - MB
    top = _nice_top(max([v for pts in series.values() for _, v in pts if v is not None] + [0]))
    out.append(f'<text x="{x0 + W / 2}" y="{y0 + 20}" text-anchor="middle" font-weight="bold">'
               f'{html.escape(title)}</text>')
    ox, oy = x0 + ML, y0 + MT
    out.append(f'<rect x="{ox}" y="{oy}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
    for k in range(5):
        v = top * k / 4
        y = oy + ph - ph * k / 4
        out.append(f'<line x1="{ox}" y1="{y}" x2="{ox + pw}" y2="{y}" stroke="#eee"/>')
        out.append(f'<text x="{ox - 6}" y="{y + 4}" text-anchor="end">{fmt(v)}</text>')
    n = len(xs)

    def px(i):
        return ox + (pw * (i + 0.5) / n)
    for i, xv in enumerate(xs):
        out.append(f'<text x="{px(i)}" y="{oy + ph + 16}" text-anchor="middle">{xv}</text>')
    out.append(f'<text x="{ox + pw / 2}" y="{oy + ph + 34}" text-anchor="middle">channels</text>')
    out.append(f'<text x="{x0 + 14}" y="{oy + ph / 2}" text-anchor="middle" '
               f'transform="rotate(-90 {x0 + 14} {oy + ph / 2})">{html.escape(ylabel)}</text>')
    for recv, pts in series.items():
        c = COLORS.get(recv, "#000")
        coords = [(px(xs.index(x)), oy + ph - ph * v / top) for x, v in pts if v is not None]
        if len(coords) > 1:
            out.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="'
                       + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
        for x, y in coords:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{c}"/>')


def write_svg(path, summary, meta):
    sweep = {}
    for s in summary:
        sweep.setdefault((s["traffic"], s["generator"]), set()).add(s["channels"])
    cells = [k for k, chans in sweep.items() if len(chans) > 1]
    if not cells:
        cells = list(sweep)
    traffic = cells[0][0] if cells else "classic8"
    gens = [g for t, g in cells if t == traffic]
    receivers = []
    for s in summary:
        if s["receiver"] not in receivers:
            receivers.append(s["receiver"])
    legend_h = 30
    total_w, total_h = 2 * W, legend_h + max(1, len(gens)) * H + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{total_h}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{total_w}" height="{total_h}" fill="white"/>']
    x = 10
    for recv in receivers:
        out.append(f'<rect x="{x}" y="10" width="14" height="4" fill="{COLORS.get(recv, "#000")}"/>')
        out.append(f'<text x="{x + 18}" y="16">{html.escape(recv)}</text>')
        x += 28 + 7 * len(recv)
    for row, gen in enumerate(gens):
        rows = [s for s in summary if s["traffic"] == traffic and s["generator"] == gen]
        xs = sorted({s["channels"] for s in rows})
        loss, cpu = {}, {}
        for recv in receivers:
            pts = sorted((s["channels"], s) for s in rows if s["receiver"] == recv)
            if pts:
                loss[recv] = [(c, s["loss_pct"]) for c, s in pts]
                cpu[recv] = [(c, s["cpu_ns_per_frame"] / 1000 if s["cpu_ns_per_frame"] else None)
                             for c, s in pts]
        y0 = legend_h + row * H
        _panel(out, 0, y0, f"{traffic}, {gen}: frames lost", xs, loss, "lost, % of offered",
               lambda v: f"{v:g}")
        _panel(out, W, y0, f"{traffic}, {gen}: receiver CPU per frame", xs, cpu, "CPU µs per frame",
               lambda v: f"{v:g}")
    out.append(f'<text x="10" y="{total_h - 6}" fill="#666">{html.escape(meta.get("date", ""))}, '
               f'{meta.get("frames")} frames per run, medians of {meta.get("reps")}; '
               f'kernel {html.escape(str(meta.get("kernel")))}, {meta.get("cpus")} CPUs</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
