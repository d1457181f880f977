//! The unit inspector: what one unit looks at, its state and gradient, its weights in and out.

use super::super::theme::{BLUE, ORANGE, Theme};
use super::super::{fit, fmt_num, note};
use super::{LABEL_WIDTH, thumbnail, wrapped};
use crate::app::network::{
    InspectedState, Inspection, NetworkView, UnitRef, UnitState, signed, unit_name,
};
use crate::report::units::UnitMap;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

pub(super) fn render_inspector(
    network: Option<&NetworkView>,
    features: &[String],
    maps: &[UnitMap],
    selected: Option<UnitRef>,
    area: Rect,
    buf: &mut Buffer,
    theme: Theme,
) {
    let inspection = network
        .zip(selected)
        .and_then(|(n, u)| n.inspect(u, features));
    let title = match (&inspection, selected) {
        (Some(_), Some(u)) if network.is_some_and(|n| u.layer == n.hidden_layers()) => {
            " Inspector · output ".to_string()
        }
        (Some(_), Some(u)) => format!(" Inspector · {} ", unit_name(u.layer, u.unit)),
        _ => " Inspector ".to_string(),
    };
    let block = Block::bordered().title(Line::styled(title, theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(inspection) = inspection else {
        note(inner, buf, "↑ ↓ or a click picks a unit", theme);
        return;
    };
    let width = usize::from(inner.width);
    let mut lines = about_lines(&inspection, width, theme);
    let map = selected.and_then(|u| maps.iter().find(|m| m.layer == u.layer && m.unit == u.unit));
    let map_rows = if map.is_some() { 6 } else { 0 };
    let room = usize::from(inner.height)
        .saturating_sub(lines.len())
        .saturating_sub(map_rows);
    lines.extend(weight_lines(&inspection, width, room, theme));
    for (row, line) in (inner.y..inner.bottom()).zip(&lines) {
        buf.set_line(inner.x, row, line, inner.width);
    }
    if let Some(map) = map {
        let used = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        let free = inner.height.saturating_sub(used);
        if free >= 3 {
            let rows = free.min(8) - 1;
            let top = inner.bottom() - rows - 1;
            let caption = format!(
                "responds to: x1 →, x2 ↑, peak {}",
                fmt_num(f64::from(map.peak()))
            );
            buf.set_stringn(inner.x, top, caption, width, theme.dim());
            let side = (rows * 2).min(inner.width);
            thumbnail(
                map,
                Rect {
                    x: inner.x,
                    y: top + 1,
                    width: side,
                    height: rows,
                },
                buf,
                theme,
            );
        }
    }
}

/// The inspector's account of the unit: its state, gradient, what it looks at, where it leads.
fn about_lines(inspection: &Inspection, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = wrapped(&inspection.title, width, Style::new());
    match inspection.state {
        InspectedState::Hidden {
            state,
            active,
            can_die,
        } => {
            let share = active.map_or("?".to_string(), |a| format!("{:.0} %", a * 100.0));
            let (text, style) = match state {
                UnitState::Dead { since } => (
                    format!("✕ dead since epoch {since}: zero on every training row"),
                    theme.warning(),
                ),
                UnitState::AlwaysOn => (
                    "◆ always on: active on every row (linear there)".to_string(),
                    Style::new(),
                ),
                UnitState::Live if can_die => {
                    (format!("● live: active on {share} of rows"), Style::new())
                }
                UnitState::Live => (
                    format!("● live: above zero on {share} of rows (only ReLU units die)"),
                    Style::new(),
                ),
                UnitState::NotANumber => (
                    "? its output is not a number: the run diverged".to_string(),
                    theme.error(),
                ),
            };
            lines.extend(wrapped(&text, width, style));
            let grad = match inspection.grad {
                Some((g, epoch)) => format!("‖∂L/∂w‖ {} at epoch {epoch}", fmt_num(f64::from(g))),
                None => "‖∂L/∂w‖ not measured yet".to_string(),
            };
            lines.push(Line::raw(fit(&grad, width)));
        }
        InspectedState::Output {
            saturated,
            live_rows,
        } => {
            let (text, style) = if saturated {
                (
                    "saturated: every prediction within 0.001 of 0 or 1".to_string(),
                    theme.warning(),
                )
            } else {
                (format!("{live_rows} rows not saturated"), Style::new())
            };
            lines.extend(wrapped(&text, width, style));
            if let Some(bias) = inspection.bias {
                lines.push(Line::raw(format!("bias {}", signed(bias))));
            }
        }
    }
    lines.extend(wrapped(
        &format!("looks at: {}", inspection.looks_at(3)),
        width,
        Style::new(),
    ));
    match inspection.outgoing.as_slice() {
        [] => {}
        [(name, w)] => lines.push(Line::raw(fit(&format!("→ {name} {}", signed(*w)), width))),
        [(name, w), ..] => lines.push(Line::raw(fit(
            &format!(
                "→ {} units, largest {name} {}",
                inspection.outgoing_total,
                signed(*w)
            ),
            width,
        ))),
    }
    lines.push(Line::styled("incoming weights, largest first", theme.dim()));
    lines
}

/// The unit's incoming weights in `room` lines, a bar each, largest |w| first.
fn weight_lines(
    inspection: &Inspection,
    width: usize,
    room: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let largest = inspection
        .incoming
        .first()
        .map_or(0.0, |(_, w)| w.abs())
        .max(f32::MIN_POSITIVE);
    let name_width = inspection
        .incoming
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(1)
        .min(LABEL_WIDTH);
    let bar_room = width.saturating_sub(name_width + 8);
    let rows = inspection.incoming_total;
    for (i, (name, w)) in inspection.incoming.iter().enumerate() {
        if i + 1 == room && rows > room {
            lines.push(Line::styled(format!("… {} more", rows - i), theme.dim()));
            break;
        }
        if i >= room {
            break;
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a share of the bar's room"
        )]
        let bar = ((w.abs() / largest) * bar_room as f32).round() as usize;
        let (glyph, colour) = if *w < 0.0 {
            (if theme.color { "█" } else { "▒" }, ORANGE[3])
        } else {
            ("█", BLUE[3])
        };
        let bar_style = if theme.color {
            Style::new().fg(colour)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{:<name_width$} {:>6} ",
                fit(name, name_width),
                signed(*w)
            )),
            Span::styled(glyph.repeat(bar.min(bar_room)), bar_style),
        ]));
    }
    lines
}
