//! One histogram per coefficient tensor of the latest snapshot, with count, mean, std, min and
//! max. Compact (one row of bars, the range at its ends) when space is short; one row per bin,
//! each with its value range and count, when there is room.

use super::fmt_num;
use super::theme::Theme;
use crate::app::App;
use crate::app::weights::TensorStats;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

/// Rows a tensor needs in compact form: header, stats, bars.
const COMPACT_ROWS: u16 = 3;
/// Rows from which a tensor gets one row per bin: header, two stats rows, four bins.
const DETAILED_ROWS: u16 = 7;
const BARS: [&str; 8] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let weights = app.shown_weights();
    let title = match weights {
        Some(w) => format!(" Weights (epoch {}) ", w.epoch),
        None => " Weights ".to_string(),
    };
    let block = Block::bordered().title(Line::styled(title, theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(weights) = weights else {
        super::note(inner, buf, "no snapshot yet", theme);
        return;
    };
    if weights.tensors.is_empty() || inner.height == 0 {
        return;
    }
    // As many tensors as fit compact (a single value needs a row less), sharing what is left.
    let (mut fitting, mut used) = (0u16, 0u16);
    for tensor in &weights.tensors {
        let need = compact_rows(tensor);
        if used + need > inner.height {
            break;
        }
        used += need;
        fitting += 1;
    }
    let extra_each = (inner.height - used).checked_div(fitting).unwrap_or(0);
    let mut y = inner.y;
    for (i, tensor) in weights.tensors.iter().enumerate() {
        let shown_all = u16::try_from(i).unwrap_or(u16::MAX) < fitting.max(1);
        let rows_left = inner.bottom().saturating_sub(y);
        if !shown_all || rows_left == 0 {
            let more = weights.tensors.len() - i;
            let row = inner.bottom() - 1;
            // The row may hold the last tensor's figures: the note replaces them whole.
            let blank = " ".repeat(usize::from(inner.width));
            buf.set_string(inner.x, row, blank, Style::new());
            buf.set_line(
                inner.x,
                row,
                &Line::styled(format!("… {more} more"), theme.dim()),
                inner.width,
            );
            break;
        }
        let rows = if fitting == 0 {
            rows_left
        } else {
            (compact_rows(tensor) + extra_each).min(rows_left)
        };
        render_tensor(
            tensor,
            Rect {
                y,
                height: rows,
                ..inner
            },
            buf,
            theme,
        );
        y += rows;
    }
}

/// Rows the panel needs to show every tensor compact (border included).
pub fn compact_height(app: &App) -> u16 {
    let rows: u16 = app
        .shown_weights()
        .map_or(1, |w| w.tensors.iter().map(compact_rows).sum());
    rows.saturating_add(2)
}

/// Rows a tensor needs in compact form: header, stats, bars; header and value for one value.
fn compact_rows(t: &TensorStats) -> u16 {
    if t.count <= 1 { 2 } else { COMPACT_ROWS }
}

fn render_tensor(t: &TensorStats, area: Rect, buf: &mut Buffer, theme: Theme) {
    let shape = if t.shape.is_empty() {
        "scalar".to_string()
    } else {
        t.shape
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("×")
    };
    let mut header = vec![
        Span::styled(t.name.clone(), Style::new().bold()),
        Span::raw(format!(" {shape} · n {}", t.count)),
    ];
    if t.non_finite > 0 {
        header.push(Span::styled(
            format!(" · {} NaN/inf", t.non_finite),
            theme.error(),
        ));
    }
    let mut rows: Vec<Line> = vec![Line::from(header)];
    if t.count == 0 {
        rows.push(Line::styled("no finite values", theme.error()));
    } else if t.count == 1 {
        rows.push(Line::raw(format!("value {}", fmt_num(f64::from(t.min)))));
    } else if area.height >= DETAILED_ROWS {
        rows.push(Line::raw(format!(
            "mean {}  std {}",
            fmt_num(t.mean),
            fmt_num(t.std)
        )));
        rows.push(Line::raw(format!(
            "min {}  max {}",
            fmt_num(f64::from(t.min)),
            fmt_num(f64::from(t.max))
        )));
        let bins = t.bins(usize::from(area.height - 3));
        let most = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1);
        let ranges: Vec<String> = bins
            .iter()
            .map(|b| {
                format!(
                    "{:>6}…{:<6}",
                    fmt_num(f64::from(b.low)),
                    fmt_num(f64::from(b.high))
                )
            })
            .collect();
        let range_width = ranges.iter().map(|r| r.chars().count()).max().unwrap_or(0);
        // Room for the range, the bar and the count.
        let bar_width = usize::from(area.width)
            .saturating_sub(range_width + 6)
            .max(1);
        for (bin, range) in bins.iter().zip(ranges) {
            let eighths = bin.count * bar_width * 8 / most;
            let mut bar = "█".repeat(eighths / 8);
            if eighths % 8 > 0 {
                bar.push_str(["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]);
            }
            rows.push(Line::from(vec![
                Span::raw(format!("{range} ")),
                Span::styled(bar, theme.train()),
                Span::raw(format!(" {}", bin.count)),
            ]));
        }
    } else {
        rows.push(Line::raw(format!(
            "mean {}  std {}",
            fmt_num(t.mean),
            fmt_num(t.std)
        )));
        let min = fmt_num(f64::from(t.min));
        let max = fmt_num(f64::from(t.max));
        let room = usize::from(area.width).saturating_sub(min.len() + max.len() + 2);
        let bins = t.bins(room);
        let most = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1);
        let bars: String = bins
            .iter()
            .map(|b| {
                if b.count == 0 {
                    " "
                } else {
                    BARS[((b.count * 8).div_ceil(most) - 1).min(7)]
                }
            })
            .collect();
        rows.push(Line::from(vec![
            Span::raw(format!("{min} ")),
            Span::styled(bars, theme.train()),
            Span::raw(format!(" {max}")),
        ]));
    }
    for (row, line) in (area.y..area.bottom()).zip(rows) {
        buf.set_line(area.x, row, &line, area.width);
    }
}
