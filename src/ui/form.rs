//! The settings form: always visible; highlighted, with a cursor and inline errors, while the
//! focus is on it.

use super::fit;
use super::theme::Theme;
use crate::app::App;
use crate::app::form::{Field, Form};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

const LABEL_WIDTH: usize = 16;

/// Rows of the panel: a row per field, the footer and the border.
#[expect(clippy::cast_possible_truncation, reason = "eight fields")]
pub const HEIGHT: u16 = Field::ALL.len() as u16 + 3;

pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let editing = app.screen.form.as_ref();
    let title = if editing.is_some() {
        " Settings — editing "
    } else {
        " Settings "
    };
    let block = Block::bordered()
        .border_style(theme.border(editing.is_some()))
        .title(Line::styled(title, theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);

    let shown;
    let form = if let Some(form) = editing {
        form
    } else {
        shown = Form::new(&app.next.settings, app.next.pace, &app.next.start);
        &shown
    };
    let mut lines: Vec<Line> = Field::ALL
        .iter()
        .map(|&field| field_line(form, field, editing.is_some(), theme))
        .collect();
    let footer = match editing {
        Some(form) => {
            let error = form.error(form.focus).map(|e| (form.focus, e)).or_else(|| {
                Field::ALL
                    .iter()
                    .find_map(|&f| form.error(f).map(|e| (f, e)))
            });
            let width = usize::from(inner.width);
            match error {
                Some((field, why)) if field == form.focus => {
                    Line::styled(fit(&format!("✗ {why}"), width), theme.error())
                }
                Some((field, why)) => Line::styled(
                    fit(&format!("✗ {}: {why}", field.label()), width),
                    theme.error(),
                ),
                None => Line::styled("Enter apply · Esc cancel", theme.dim()),
            }
        }
        None => Line::styled("Tab or f to edit", theme.dim()),
    };
    lines.push(footer);
    for (row, line) in (inner.y..inner.bottom()).zip(lines) {
        buf.set_line(inner.x, row, &line, inner.width);
    }
}

fn field_line(form: &Form, field: Field, editing: bool, theme: Theme) -> Line<'_> {
    let focused = editing && form.focus == field;
    let marker = if focused { "▶ " } else { "  " };
    let label = format!("{marker}{:<LABEL_WIDTH$}", field.label());
    let mut value = form.text(field).to_string();
    if focused {
        value.push(if field == Field::Backend { ' ' } else { '▏' });
    }
    let value_style = if focused {
        theme.selected()
    } else {
        ratatui::style::Style::new()
    };
    let mut spans = vec![Span::raw(label), Span::styled(value, value_style)];
    if field == Field::Backend && focused {
        spans.push(Span::styled(" ←→ toggles", theme.dim()));
    }
    if field == Field::Data && focused {
        spans.push(Span::styled(" ←→ picks", theme.dim()));
    }
    if editing && form.error(field).is_some() {
        spans.push(Span::styled(" ✗", theme.error()));
    }
    Line::from(spans)
}
