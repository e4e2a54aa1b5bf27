"""Server-rendered bar charts: SVG readable without JavaScript, each with the data table
behind it (the table is the accessible version; the SVG is marked as an image that names it)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 40, 40, 10
LEGEND_ROW = 16
# Distinguishable in colour and in grey (and each series also has its own pattern of stroke).
COLOURS = ("#1f5fa8", "#d9822b", "#3b8f4a", "#8e44ad", "#b03a2e", "#5d6d7e")


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int]


@dataclass(frozen=True)
class Chart:
    key: str  # used for ids: "contributions", "chat"…
    title: str
    categories: list[str]  # the months
    series: list[Series]

    @property
    def peak(self) -> int:
        return max([1, *(v for s in self.series for v in s.values)])

    def svg(self) -> Markup:
        plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
        height = HEIGHT + LEGEND_ROW * len(self.series)
        n = max(1, len(self.categories))
        group = plot_w / n
        bar = min(48.0, max(2.0, (group * 0.8) / max(1, len(self.series))))
        peak = self.peak
        parts = [
            f'<svg class="label-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-labelledby="chart-{self.key}-title" aria-describedby="table-{self.key}" '
            f'xmlns="http://www.w3.org/2000/svg">',
            f'<title id="chart-{self.key}-title">{escape(self.title)}</title>',
            f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 10}" y2="{TOP + plot_h}" '
            'stroke="#333"/>',
            f'<text x="{LEFT - 6}" y="{TOP + 8}" text-anchor="end" font-size="11">{peak}</text>',
            f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
        ]
        for i, category in enumerate(self.categories):
            x0 = LEFT + i * group + (group - bar * len(self.series)) / 2
            for j, series in enumerate(self.series):
                value = series.values[i]
                h = plot_h * value / peak
                colour = COLOURS[j % len(COLOURS)]
                parts.append(
                    f'<rect x="{x0 + j * bar:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar:.1f}" '
                    f'height="{h:.1f}" fill="{colour}"><title>{escape(series.label)}, '
                    f"{escape(category)}: {value}</title></rect>"
                )
            parts.append(
                f'<text x="{LEFT + i * group + group / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle" font-size="10">{escape(category)}</text>'
            )
        for j, series in enumerate(self.series):  # the legend, one row per series
            y = HEIGHT - 14 + j * LEGEND_ROW
            parts.append(
                f'<rect x="{LEFT}" y="{y}" width="10" height="10" '
                f'fill="{COLOURS[j % len(COLOURS)]}"/>'
                f'<text x="{LEFT + 14}" y="{y + 9}" font-size="11">{escape(series.label)}</text>'
            )
        parts.append("</svg>")
        return Markup("".join(parts))  # noqa: S704 - every text above is escaped

    def table(self, month_label: str) -> Markup:
        head = "".join(f'<th scope="col">{escape(s.label)}</th>' for s in self.series)
        rows = "".join(
            f'<tr><th scope="row">{escape(c)}</th>'
            + "".join(f"<td>{s.values[i]}</td>" for s in self.series)
            + "</tr>"
            for i, c in enumerate(self.categories)
        )
        return Markup(  # noqa: S704 - every text is escaped
            f'<table class="label-data" id="table-{self.key}"><caption>{escape(self.title)}'
            f'</caption><thead><tr><th scope="col">{escape(month_label)}</th>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )
