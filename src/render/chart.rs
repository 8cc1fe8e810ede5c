//! Line charts with interval bands, drawn as SVG by our own code (for `ivr sim --vary --format
//! html`): one line per series over a shared x axis, the 95% interval of each point as a
//! shaded band around the line, a circle per point with its figures on hover.

use std::fmt::Write;

use super::svg::escape;

/// The x axis: one tick per value, at `positions` (the values themselves when they are
/// numbers, so 0.01, 0.03 and 0.1 are spaced as numbers are; else 0, 1, 2, ...).
#[derive(Clone, Debug, PartialEq)]
pub struct XAxis {
    pub label: String,
    pub ticks: Vec<String>,
    pub positions: Vec<f64>,
}

/// One point: its tick (an index into the axis), its value and its interval (`hi` `None` when
/// the sample cannot bound it from above).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartPoint {
    pub tick: usize,
    pub value: f64,
    pub band: Option<(f64, Option<f64>)>,
}

/// One line.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Shown in the legend; empty when the chart has one line.
    pub name: String,
    pub points: Vec<ChartPoint>,
}

/// A chart: `id` and `figure` name it in the page, values are multiplied by `scale` and shown
/// with `digits` decimals and `unit`.
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart<'a> {
    pub id: &'a str,
    pub figure: &'a str,
    pub title: &'a str,
    pub scale: f64,
    pub digits: usize,
    pub unit: &'a str,
    pub x: &'a XAxis,
    pub series: &'a [Series],
}

/// Line colours, in series order (then again).
const COLOURS: [&str; 6] = [
    "#3060c0", "#c03030", "#2a8a45", "#a05ad0", "#c07a00", "#208a9a",
];

const WIDTH: f64 = 460.0;
/// The plot's height; the chart adds its margins and a legend line per series.
const PLOT_H: f64 = 186.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const BOTTOM: f64 = 46.0;
const LEGEND_LINE: f64 = 14.0;

/// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `v` (the top of the y axis).
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&c| c >= v * (1.0 - 1e-12))
        .unwrap_or(10.0 * power)
}

/// The chart as an SVG element.
pub fn line_chart(chart: &LineChart) -> String {
    let shown = |v: f64| v * chart.scale;
    let highest = chart
        .series
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| match p.band {
            Some((_, Some(hi))) => shown(hi).max(shown(p.value)),
            _ => shown(p.value),
        })
        .fold(0.0f64, f64::max);
    let top = nice_ceiling(highest);
    // The legend sits between the title and the plot, a line per series.
    let legend = if chart.series.len() > 1 {
        chart.series.len()
    } else {
        0
    };
    let (top_margin, height) = (
        28.0 + LEGEND_LINE * legend as f64,
        28.0 + LEGEND_LINE * legend as f64 + PLOT_H + BOTTOM,
    );
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, PLOT_H);
    let (lo_x, hi_x) = chart
        .x
        .positions
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let x_of = |tick: usize| {
        let x = chart.x.positions.get(tick).copied().unwrap_or(0.0);
        if hi_x > lo_x {
            LEFT + plot_w * (x - lo_x) / (hi_x - lo_x)
        } else {
            LEFT + plot_w / 2.0
        }
    };
    let y_of = |v: f64| top_margin + plot_h * (1.0 - (shown(v) / top).clamp(0.0, 1.0));
    let mut out = format!(
        "<svg class=\"chart line-chart\" id=\"{}\" data-figure=\"{}\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" font-size=\"11\"><title>{}</title>\n<text x=\"{LEFT}\" y=\"16\" font-weight=\"bold\" font-size=\"13\">{}</text>\n",
        escape(chart.id),
        escape(chart.figure),
        escape(chart.title),
        escape(chart.title)
    );
    // The y grid: five lines from 0 to the top.
    for k in 0..=4 {
        let v = top * k as f64 / 4.0;
        let y = top_margin + plot_h * (1.0 - k as f64 / 4.0);
        let _ = writeln!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}{}</text>",
            LEFT + plot_w,
            if k == 0 { "#333" } else { "#e3e6ec" },
            LEFT - 4.0,
            y + 4.0,
            axis_number(v),
            escape(chart.unit)
        );
    }
    for (tick, text) in chart.x.ticks.iter().enumerate() {
        let x = x_of(tick);
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{0:.1}\" x2=\"{x:.1}\" y2=\"{1:.1}\" stroke=\"#333\"/><text x=\"{x:.1}\" y=\"{2:.1}\" text-anchor=\"middle\">{3}</text>",
            top_margin + plot_h,
            top_margin + plot_h + 4.0,
            top_margin + plot_h + 16.0,
            escape(text)
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
        LEFT + plot_w / 2.0,
        height - 8.0,
        escape(&chart.x.label)
    );
    for (i, series) in chart.series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let mut points = series.points.clone();
        points.sort_by(|a, b| x_of(a.tick).total_cmp(&x_of(b.tick)));
        // The band: along the upper bounds, back along the lower ones (an open upper bound
        // reaches the top of the chart).
        if points.iter().all(|p| p.band.is_some()) && !points.is_empty() {
            let upper = points.iter().map(|p| {
                let hi = p.band.and_then(|b| b.1);
                (x_of(p.tick), hi.map_or(top_margin, y_of))
            });
            let lower = points
                .iter()
                .rev()
                .map(|p| (x_of(p.tick), y_of(p.band.map_or(p.value, |b| b.0))));
            let outline: Vec<String> = upper
                .chain(lower)
                .map(|(x, y)| format!("{x:.1},{y:.1}"))
                .collect();
            let _ = writeln!(
                out,
                "<polygon class=\"band\" points=\"{}\" fill=\"{colour}\" fill-opacity=\"0.18\" stroke=\"none\"/>",
                outline.join(" ")
            );
        }
        let line: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x_of(p.tick), y_of(p.value)))
            .collect();
        let _ = writeln!(
            out,
            "<polyline class=\"line\" points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>",
            line.join(" ")
        );
        for p in &points {
            let tick = chart.x.ticks.get(p.tick).map_or("", String::as_str);
            let band = p.band.map_or(String::new(), |(lo, hi)| match hi {
                Some(hi) => format!(" [{:.d$}, {:.d$}]", shown(lo), shown(hi), d = chart.digits),
                None => format!(" [{:.d$}, open)", shown(lo), d = chart.digits),
            });
            let who = if series.name.is_empty() {
                String::new()
            } else {
                format!("{}, ", series.name)
            };
            let _ = writeln!(
                out,
                "<circle class=\"point\" data-series=\"{i}\" data-x=\"{}\" data-value=\"{}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"><title>{}{} = {}: {:.d$}{}{}</title></circle>",
                escape(tick),
                p.value,
                x_of(p.tick),
                y_of(p.value),
                escape(&who),
                escape(&chart.x.label),
                escape(tick),
                shown(p.value),
                escape(chart.unit),
                escape(&band),
                d = chart.digits
            );
        }
    }
    // The legend, when there is more than one line.
    if legend > 0 {
        for (i, series) in chart.series.iter().enumerate() {
            let y = 28.0 + LEGEND_LINE * i as f64 + 4.0;
            let _ = writeln!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"legend\">{}</text>",
                LEFT + 8.0,
                y - 9.0,
                COLOURS[i % COLOURS.len()],
                LEFT + 22.0,
                y,
                escape(&series.name)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// A y-axis number: no more decimals than it needs.
fn axis_number(v: f64) -> String {
    let text = format!("{v:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_of_the_axis_is_a_round_number_at_or_above_the_highest_value() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(47.3), 50.0);
        assert_eq!(nice_ceiling(50.0), 50.0);
        assert_eq!(nice_ceiling(5.4), 10.0);
        assert_eq!(nice_ceiling(2.1), 2.5);
        assert_eq!(nice_ceiling(0.012), 0.02);
        assert_eq!(axis_number(12.5), "12.5");
        assert_eq!(axis_number(20.0), "20");
    }
}
