//! The `?` overlay: every key, from the keymap ([`crate::app::keys::help`]).

use super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

const KEY_WIDTH: usize = 14;

pub fn render(area: Rect, buf: &mut Buffer, theme: Theme) {
    let lines: Vec<Line> = crate::app::keys::help()
        .into_iter()
        .map(|(keys, what)| {
            if keys.is_empty() {
                Line::styled(what, theme.title().underlined())
            } else {
                Line::from(vec![
                    Span::styled(format!("  {keys:<KEY_WIDTH$}"), theme.key()),
                    Span::raw(what),
                ])
            }
        })
        .collect();
    let width = lines
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(0)
        .saturating_add(4);
    let width = u16::try_from(width).unwrap_or(u16::MAX).min(area.width);
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .border_style(theme.border(true))
                .title(Line::styled(" Keys — ? or Esc closes ", theme.title())),
        )
        .render(popup, buf);
}
