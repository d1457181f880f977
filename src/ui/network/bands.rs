//! Each tensor's distribution over time: TensorBoard's bands.

use super::super::fmt_num;
use super::super::theme::{ORANGE, Theme};
use crate::app::network::{BandHistory, NetworkView};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Widget};

/// The percentile bands of one tensor over time: the shade of each cell says which band its
/// value falls in (`█` the middle 38 %, `▓` 68 %, `▒` 87 %, `░` all), `━` marks the median.
pub(super) fn render_bands(
    network: Option<&NetworkView>,
    area: Rect,
    buf: &mut Buffer,
    theme: Theme,
) {
    let block = Block::bordered().title(Line::styled(
        " Distributions · bands at percentiles 0 7 16 31 50 69 84 93 100 ",
        theme.title(),
    ));
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(network) = network else {
        return;
    };
    // A single value has no spread: the bias is left out.
    let tensors: Vec<&(String, BandHistory)> = network
        .bands
        .iter()
        .filter(|(name, _)| name != crate::report::weights::BIAS)
        .collect();
    if tensors.is_empty() || inner.height < 4 {
        return;
    }
    let n = u32::try_from(tensors.len()).unwrap_or(1);
    let parts = Layout::horizontal(vec![Constraint::Ratio(1, n); tensors.len()]).split(inner);
    for ((name, history), &part) in tensors.iter().zip(parts.iter()) {
        render_band_chart(name, history, part, buf, theme);
    }
}

fn render_band_chart(
    name: &str,
    history: &BandHistory,
    area: Rect,
    buf: &mut Buffer,
    theme: Theme,
) {
    let points = history.points();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return;
    };
    let low = points
        .iter()
        .map(|(_, b)| b[0])
        .fold(f32::INFINITY, f32::min);
    let high = points
        .iter()
        .map(|(_, b)| b[8])
        .fold(f32::NEG_INFINITY, f32::max);
    let (low_text, high_text) = (fmt_num(f64::from(low)), fmt_num(f64::from(high)));
    let label_width = low_text.chars().count().max(high_text.chars().count());
    let label = u16::try_from(label_width).unwrap_or(6);
    buf.set_stringn(
        area.x,
        area.y,
        format!("{name} · {} to {}", first.0, last.0),
        usize::from(area.width.saturating_sub(1)),
        theme.dim(),
    );
    let graph = Rect {
        x: area.x + label + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(label + 2),
        height: area.height.saturating_sub(1),
    };
    if graph.width < 2 || graph.height < 2 {
        return;
    }
    buf.set_stringn(area.x, graph.y, &high_text, label_width, theme.dim());
    buf.set_stringn(
        area.x,
        graph.bottom() - 1,
        &low_text,
        label_width,
        theme.dim(),
    );
    let span = if high > low { high - low } else { 1.0 };
    let (from, to) = (first.0 as f64, last.0 as f64);
    let style = if theme.color {
        Style::new().fg(ORANGE[2])
    } else {
        Style::new()
    };
    for cx in 0..graph.width {
        let epoch = if graph.width > 1 && to > from {
            from + (to - from) * f64::from(cx) / f64::from(graph.width - 1)
        } else {
            to
        };
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "an epoch between the first and the last"
        )]
        let Some((_, bands)) = history.at(epoch.round() as usize) else {
            continue;
        };
        let rows = f32::from(graph.height);
        let row_of = |v: f32| {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a value within the range lands on a row"
            )]
            let r = (((high - v) / span) * (rows - 1.0))
                .round()
                .clamp(0.0, rows - 1.0) as u16;
            r
        };
        let median = row_of(bands[4]);
        for cy in 0..graph.height {
            // The value at the cell's centre.
            let v = high - span * (f32::from(cy) / (rows - 1.0).max(1.0));
            let symbol = if cy == median {
                "━"
            } else if (bands[3]..=bands[5]).contains(&v) {
                "█"
            } else if (bands[2]..=bands[6]).contains(&v) {
                "▓"
            } else if (bands[1]..=bands[7]).contains(&v) {
                "▒"
            } else if (bands[0]..=bands[8]).contains(&v)
                || cy == row_of(bands[0])
                || cy == row_of(bands[8])
            {
                "░"
            } else {
                continue;
            };
            if let Some(cell) = buf.cell_mut((graph.x + cx, graph.y + cy)) {
                cell.set_symbol(symbol).set_style(style);
            }
        }
    }
}
