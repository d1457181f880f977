//! The `i` overlay: the current run's events, newest first, each with what happened, why,
//! and what to try, as decided at its epoch; in full, wrapped at word boundaries.

use super::theme::Theme;
use crate::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

/// The overlay's width at most: a paragraph wider than this is hard to read.
const MAX_WIDTH: u16 = 100;

pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let width = area.width.saturating_sub(4).min(MAX_WIDTH);
    let height = area.height.saturating_sub(2);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let mut lines: Vec<Line> = Vec::new();
    let title = if let Some(run) = app.current() {
        for event in run.events.iter().rev() {
            lines.push(Line::from(vec![
                Span::styled(format!("epoch {} ", event.epoch), theme.title()),
                Span::styled(event.kind.name(), theme.error()),
            ]));
            lines.push(Line::raw(event.explained()));
            lines.push(Line::raw(""));
        }
        if run.events.is_empty() {
            lines.push(Line::raw(
                "nothing has happened that stands out of the run's noise",
            ));
        }
        format!(" Events of run #{} — i or Esc closes ", run.id())
    } else {
        lines.push(Line::raw("no run yet"));
        " Events — i or Esc closes ".to_string()
    };
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(
            Block::bordered()
                .border_style(theme.border(true))
                .title(Line::styled(title, theme.title())),
        )
        .render(popup, buf);
}
