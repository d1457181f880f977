//! The learning-rate sweep (key `L`): each rate's final training loss against the rate on a
//! log10 axis, marked by outcome — `●` learned, `×` diverged, `○` stalled or dead — so it reads
//! without colour; progress, and where the network stops learning once the sweep is done.
//! A loss that is not a number (or is far off the scale) is drawn as diverged at the top.

use super::fmt_num;
use super::theme::Theme;
use crate::app::sweep_view::{SweepStatus, SweepView, stops_learning_text};
use crate::report::health::Outcome;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Widget};

pub const TITLE: &str = " Learning-rate sweep ";

/// Markers and words of the outcomes: learned, diverged, stalled or dead.
const LEARNED: char = '●';
const DIVERGED: char = '×';
const STUCK: char = '○';

/// Points drawn with one marker and style.
type Group = (char, Outcome, Vec<(f64, f64)>);

/// Rows of the panel when the left column is `left` rows high.
pub fn height(left: u16) -> u16 {
    (left / 2).clamp(8, 16).min(left.saturating_sub(6))
}

fn style_of(outcome: Outcome, theme: Theme) -> Style {
    match outcome {
        Outcome::Learned => theme.good(),
        Outcome::Diverged => theme.error(),
        Outcome::Flat | Outcome::Stalled | Outcome::Dead => theme.warning(),
    }
}

pub fn render(sweep: &SweepView, area: Rect, buf: &mut Buffer, theme: Theme) {
    let progress = match &sweep.status {
        SweepStatus::Failed(_) => format!(" {}/{} done · failed ", sweep.done(), sweep.total()),
        SweepStatus::Cancelled => {
            format!(" {}/{} done · cancelled ", sweep.done(), sweep.total())
        }
        _ => format!(" {}/{} done ", sweep.done(), sweep.total()),
    };
    let legend = Line::from(vec![
        Span::raw(" "),
        Span::styled(LEARNED.to_string(), theme.good()),
        Span::raw(" learned  "),
        Span::styled(DIVERGED.to_string(), theme.error()),
        Span::raw(" diverged  "),
        Span::styled(STUCK.to_string(), theme.warning()),
        Span::raw(" stuck "),
    ]);
    let block = Block::bordered()
        .title(Line::styled(
            match sweep.from_run {
                Some(run) => format!("{TITLE}· run #{run} "),
                None => TITLE.to_string(),
            },
            theme.title(),
        ))
        .title_top(Line::raw(progress).right_aligned())
        .title_bottom(legend);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let info = match &sweep.status {
        SweepStatus::Failed(why) => Line::styled(format!("failed: {why}"), theme.error()),
        status => {
            let mut spans = Vec::new();
            let about =
                if let (SweepStatus::Done(()), Some(text)) = (status, stops_learning_text(sweep)) {
                    spans.push(Span::styled(text, theme.title()));
                    spans.push(Span::raw(" · "));
                    format!("loss after {} epochs", sweep.epochs)
                } else {
                    format!("final train loss after {} epochs, by lr", sweep.epochs)
                };
            spans.push(Span::styled(about, theme.dim()));
            Line::from(spans)
        }
    };
    buf.set_line(inner.x, inner.y, &info, inner.width);

    let chart_area = Rect {
        y: inner.y + 1,
        height: inner.height - 1,
        ..inner
    };
    if chart_area.height < 3 || chart_area.width < 12 {
        return;
    }
    render_chart(sweep, chart_area, buf, theme);
}

fn render_chart(sweep: &SweepView, area: Rect, buf: &mut Buffer, theme: Theme) {
    let (low, high) = sweep.decades();
    let x_bounds = [f64::from(low), f64::from(high)];
    let [bottom, top] = y_bounds(sweep);
    let mut groups: [Group; 3] = [
        (LEARNED, Outcome::Learned, Vec::new()),
        (STUCK, Outcome::Stalled, Vec::new()),
        (DIVERGED, Outcome::Diverged, Vec::new()),
    ];
    for p in &sweep.points {
        if !(p.lr.is_finite() && p.lr > 0.0) {
            continue;
        }
        let loss = f64::from(p.train_loss);
        // Off the scale or not a number: at the top, as diverged.
        let (y, outcome) = if loss.is_finite() && loss <= top {
            (loss.max(bottom), p.outcome)
        } else {
            (top, Outcome::Diverged)
        };
        let group = match outcome {
            Outcome::Learned => 0,
            Outcome::Flat | Outcome::Stalled | Outcome::Dead => 1,
            Outcome::Diverged => 2,
        };
        // A rate a rounding error off the last decade is drawn on it.
        let x = p.lr.log10().clamp(x_bounds[0], x_bounds[1]);
        groups[group].2.push((x, y));
    }
    let datasets: Vec<Dataset> = groups
        .iter()
        .map(|(marker, outcome, data)| {
            Dataset::default()
                .marker(Marker::Custom(*marker))
                .graph_type(GraphType::Scatter)
                .style(style_of(*outcome, theme))
                .data(data)
        })
        .collect();
    let y_labels: Vec<Span> = [bottom, f64::midpoint(bottom, top), top]
        .into_iter()
        .map(|v| Span::raw(fmt_num(v)))
        .collect();
    let y_label_width = y_labels.iter().map(Span::width).max().unwrap_or(0);
    // The chart spreads x labels evenly between, not at, their ticks: it is given blank ones
    // (for the axis line and the label row) and the decades are written at their columns.
    Chart::new(datasets)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds(x_bounds)
                .labels([Span::raw(" "), Span::raw(" ")]),
        )
        .y_axis(Axis::default().bounds([bottom, top]).labels(y_labels))
        .render(area, buf);
    // The chart's layout: y labels (at most a third of the width), the y axis, the graph.
    let label_width = u16::try_from(y_label_width)
        .unwrap_or(u16::MAX)
        .min(area.width / 3);
    let graph_x = area.x + label_width + 1;
    let graph_width = area.right().saturating_sub(graph_x);
    let row = area.bottom() - 1;
    for k in x_label_decades(low, high, graph_width) {
        let label = decade_label(k);
        let fraction = f64::from(k - low) / f64::from((high - low).max(1));
        // As the chart's canvas maps x to a column.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a fraction of the graph's width"
        )]
        let col = graph_x + (fraction * f64::from(graph_width.saturating_sub(1)) + 1e-9) as u16;
        let width = u16::try_from(label.len()).unwrap_or(u16::MAX);
        let start = col
            .saturating_sub(width / 2)
            .min(area.right().saturating_sub(width))
            .max(area.x);
        buf.set_stringn(
            start,
            row,
            &label,
            usize::from(area.right() - start),
            Style::new(),
        );
    }
}

/// The loss axis: the finite losses (the starting one too), padded; a loss far above the
/// starting one does not stretch it.
fn y_bounds(sweep: &SweepView) -> [f64; 2] {
    let finite = |v: f32| v.is_finite().then_some(f64::from(v));
    let start = sweep
        .points
        .iter()
        .filter_map(|p| finite(p.first_loss))
        .fold(f64::NEG_INFINITY, f64::max);
    let cap = if start.is_finite() {
        4.0 * start.abs().max(1e-3)
    } else {
        f64::INFINITY
    };
    let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in sweep
        .points
        .iter()
        .flat_map(|p| [finite(p.first_loss), finite(p.train_loss)])
        .flatten()
        .filter(|v| *v <= cap)
    {
        low = low.min(v);
        high = high.max(v);
    }
    if low > high {
        return [0.0, 1.0];
    }
    let pad = ((high - low) * 0.1).max(high.abs() * 0.05).max(1e-3);
    let bottom = if low >= 0.0 {
        (low - pad).max(0.0)
    } else {
        low - pad
    };
    [bottom, high + pad]
}

/// The decades to label: all of them when they fit in `width`, else evenly spaced ones that
/// still land on the ends (the chart spreads its labels evenly).
fn x_label_decades(low: i32, high: i32, width: u16) -> Vec<i32> {
    let span = (high - low).max(1);
    let fit = i32::from((width / 6).max(2));
    let step = (1..=span)
        .find(|s| span % s == 0 && span / s < fit)
        .unwrap_or(span);
    (0..=span / step).map(|i| low + i * step).collect()
}

/// 10^k as people write it: 0.01, 0.1, 1, 10, 100; 1e-7 and 1e7 beyond.
fn decade_label(k: i32) -> String {
    match k {
        0..=6 => format!("1{}", "0".repeat(k.unsigned_abs() as usize)),
        -6..=-1 => format!("0.{}1", "0".repeat(k.unsigned_abs() as usize - 1)),
        _ => format!("1e{k}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decades_are_labelled_as_written() {
        let labels: Vec<String> = (-3..=3).map(decade_label).collect();
        assert_eq!(labels, ["0.001", "0.01", "0.1", "1", "10", "100", "1000"]);
        assert_eq!(decade_label(-9), "1e-9");
        assert_eq!(decade_label(9), "1e9");
    }

    #[test]
    fn labels_thin_out_evenly_on_narrow_axes() {
        assert_eq!(x_label_decades(-2, 2, 60), [-2, -1, 0, 1, 2]);
        assert_eq!(x_label_decades(-2, 2, 24), [-2, 0, 2]);
        assert_eq!(x_label_decades(-2, 1, 14), [-2, 1]);
        assert_eq!(x_label_decades(0, 1, 0), [0, 1]);
    }
}
