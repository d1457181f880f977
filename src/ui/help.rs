//! The `?` overlay: every key, from the keymap ([`crate::app::keys::help`]).

use super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

const KEY_WIDTH: usize = 14;

/// One column when every row fits; else two side by side when they fit; else two pages,
/// split at a heading, `page` (0 or 1) shown.
pub fn render(area: Rect, buf: &mut Buffer, theme: Theme, page: usize) {
    let rows = crate::app::keys::help();
    let (left, right) = rows.split_at(split(&rows));
    let one_column = u16::try_from(rows.len() + 2).is_ok_and(|h| h <= area.height);
    let (left_lines, right_lines) = (styled(left, theme), styled(right, theme));
    let width = |lines: &[Line]| lines.iter().map(Line::width).max().unwrap_or(0);
    let side_by_side = width(&left_lines) + width(&right_lines) + 6 <= usize::from(area.width);
    if one_column {
        let mut lines = left_lines;
        lines.extend(right_lines);
        return draw(lines, area, buf, theme, " Keys — ? or Esc closes ");
    }
    if side_by_side {
        let left_width = width(&left_lines);
        let mut joined = Vec::with_capacity(left_lines.len().max(right_lines.len()));
        for i in 0..left_lines.len().max(right_lines.len()) {
            let mut spans = left_lines
                .get(i)
                .map(|l| l.spans.clone())
                .unwrap_or_default();
            let pad = left_width.saturating_sub(left_lines.get(i).map_or(0, Line::width)) + 2;
            spans.push(Span::raw(" ".repeat(pad)));
            if let Some(line) = right_lines.get(i) {
                spans.extend(line.spans.clone());
            }
            joined.push(Line::from(spans));
        }
        return draw(joined, area, buf, theme, " Keys — ? or Esc closes ");
    }
    let (lines, title) = if page.is_multiple_of(2) {
        (left_lines, " Keys 1/2 — → next page, ? or Esc closes ")
    } else {
        (right_lines, " Keys 2/2 — ← first page, ? or Esc closes ")
    };
    draw(lines, area, buf, theme, title);
}

/// Where the second column or page starts: the first heading in the second half.
fn split(rows: &[(String, String)]) -> usize {
    rows.iter()
        .enumerate()
        .find(|(i, (keys, _))| keys.is_empty() && *i >= rows.len() / 2)
        .map_or(rows.len(), |(i, _)| i)
}

fn styled<'a>(rows: &[(String, String)], theme: Theme) -> Vec<Line<'a>> {
    rows.iter()
        .cloned()
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
        .collect()
}

fn draw(lines: Vec<Line>, area: Rect, buf: &mut Buffer, theme: Theme, title: &str) {
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
                .title(Line::styled(title.to_string(), theme.title())),
        )
        .render(popup, buf);
}
