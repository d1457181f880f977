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

/// The rows of the form, in order: every field while editing; else the run's shape, pace and
/// data (the fields before the features), then one line for the method (activation, loss,
/// update rule, penalty and features), which is the [`Field::Activation`] row, so that the
/// panel leaves room below it.
pub fn rows(app: &App) -> Vec<Field> {
    if app.screen.form.is_some() {
        return Field::ALL.to_vec();
    }
    let shape = Field::ALL.iter().take_while(|&&f| f != Field::Features);
    shape.copied().chain([Field::Activation]).collect()
}

/// Rows of the panel: a row per field shown, the footer and the border.
pub fn height(app: &App) -> u16 {
    u16::try_from(rows(app).len() + 3).unwrap_or(u16::MAX)
}

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
        shown = Form::new(
            &app.next.settings,
            app.next.pace,
            &app.next.start,
            &app.next.race,
        );
        &shown
    };
    let mut lines: Vec<Line> = rows(app)
        .iter()
        .map(|&field| match editing {
            None if field == Field::Activation => method_line(form, usize::from(inner.width)),
            _ => field_line(form, field, editing.is_some(), theme),
        })
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

/// The summary's one line for the method: `relu · mae · sgd`, with the penalty and a
/// generated set's features when they are not the plain ones; cut to `width`.
fn method_line(form: &Form, width: usize) -> Line<'static> {
    let mut parts: Vec<&str> = [Field::Activation, Field::Loss, Field::Optimizer]
        .iter()
        .map(|&f| form.text(f))
        .collect();
    for (field, plain) in [(Field::Penalty, "none"), (Field::Features, "x1,x2")] {
        if form.text(field) != plain {
            parts.push(form.text(field));
        }
    }
    let text = format!("  {:<LABEL_WIDTH$}{}", "method", parts.join(" · "));
    Line::raw(fit(&text, width))
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
    if field.picks().is_some() && focused {
        spans.push(Span::styled(" ←→ picks", theme.dim()));
    }
    if editing && form.error(field).is_some() {
        spans.push(Span::styled(" ✗", theme.error()));
    }
    Line::from(spans)
}
