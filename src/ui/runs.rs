//! The run table (key `T`): one line per run of the session, below the loss chart. Only the
//! rows on screen are drawn, so a frame costs O(rows) however many runs there were.

use super::theme::Theme;
use crate::app::App;
use crate::app::form::format_batch;
use crate::app::runs::{RunSummary, format_wall};
use crate::app::sweep_view::format_lr;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

pub const TITLE: &str = " Runs ";
const KEYS: &str = " ↑↓ select · Enter curve on/off · E export CSV · T closes ";
const LEGEND: &str = " ● curve shown · ○ hidden · no mark: curve no longer kept ";

/// `(header, width, right-aligned)`.
const COLUMNS: [(&str, usize, bool); 11] = [
    ("", 2, false),
    ("run", 5, false),
    ("lr", 7, true),
    ("hidden", 8, false),
    ("batch", 5, true),
    ("epochs", 7, true),
    ("train", 6, true),
    ("valid", 6, true),
    ("acc", 6, true),
    ("state", 8, false),
    ("time", 6, true),
];

/// Rows of the panel in a main area `main` rows high: every run if it can, at most 2/5.
pub fn height(app: &App, main: u16) -> u16 {
    let wanted = u16::try_from(app.reported.summaries.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3);
    wanted.min((main * 2 / 5).max(5))
}

fn cell(text: &str, width: usize, right: bool) -> String {
    let text: String = text.chars().take(width).collect();
    if right {
        format!("{text:>width$}")
    } else {
        format!("{text:<width$}")
    }
}

fn row(cells: &[String]) -> String {
    COLUMNS
        .iter()
        .zip(cells)
        .map(|(&(_, width, right), text)| cell(text, width, right))
        .collect::<Vec<_>>()
        .join(" ")
}

fn figures(summary: &RunSummary) -> [String; 3] {
    let loss = |v: f32| {
        if v.is_finite() {
            format!("{v:.3}")
        } else {
            format!("{v}")
        }
    };
    match summary.last {
        Some(l) => [
            loss(l.train_loss),
            loss(l.valid_loss),
            if l.valid_accuracy.is_finite() {
                format!("{:.1}%", l.valid_accuracy * 100.0)
            } else {
                "NaN".into()
            },
        ],
        None => ["—".into(), "—".into(), "—".into()],
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let block = Block::bordered()
        .title(Line::styled(
            format!("{TITLE}({}) ", app.reported.summaries.len()),
            theme.title(),
        ))
        .title_top(Line::styled(KEYS, theme.dim()).right_aligned())
        .title_bottom(Line::styled(LEGEND, theme.dim()));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let header: Vec<String> = COLUMNS.iter().map(|c| c.0.to_string()).collect();
    buf.set_line(
        inner.x,
        inner.y,
        &Line::styled(row(&header), theme.title()),
        inner.width,
    );
    let rows = usize::from(inner.height - 1);
    let Some(selected) = app.selected_index() else {
        if rows > 0 {
            buf.set_line(
                inner.x,
                inner.y + 1,
                &Line::styled("no run yet", theme.dim()),
                inner.width,
            );
        }
        return;
    };
    // The window keeps the selection in its middle where it can; at first the newest runs.
    let first = selected
        .saturating_sub(rows / 2)
        .min(app.reported.summaries.len().saturating_sub(rows));
    let current = app.current().map(crate::app::run::RunView::id);
    for (y, summary) in (inner.y + 1..inner.bottom()).zip(app.reported.summaries.range(first, rows))
    {
        let kept = app.reported.runs.iter().any(|r| r.id() == summary.id);
        let is_selected = app.reported.summaries.index_of(summary.id) == Some(selected);
        let marker = format!(
            "{}{}",
            if is_selected { "▶" } else { " " },
            match (kept, summary.shown) {
                (false, _) => " ",
                (true, true) => "●",
                (true, false) => "○",
            }
        );
        let [train, valid, acc] = figures(summary);
        let cells = [
            marker,
            format!("#{}", summary.id),
            format_lr(summary.lr),
            summary.settings.hidden_sizes().to_string(),
            format_batch(summary.settings.batch_size),
            summary.epochs.to_string(),
            train,
            valid,
            acc,
            summary.state.to_string(),
            format_wall(summary.wall),
        ];
        let mut style = if kept && summary.shown {
            Style::new()
        } else {
            theme.dim()
        };
        if Some(summary.id) == current {
            style = style.bold();
        }
        if is_selected {
            style = style.patch(theme.selected());
        }
        let text = row(&cells);
        let line = Line::from(Span::styled(text, style));
        buf.set_line(inner.x, y, &line, inner.width);
    }
}
