//! The dashboard's view: a pure function of [`App`], one file per panel.
//!
//! ```text
//! ┌ Loss ─────────────────────────┐┌ Settings ──────────┐
//! │ train/valid vs epoch, runs    ││ lr, hidden, ...    │
//! │                               │└────────────────────┘
//! └───────────────────────────────┘┌ Weights ───────────┐
//! ┌ Accuracy ─────────────────────┐│ one histogram per  │
//! │ valid % + sparkline, test %   ││ coefficient tensor │
//! └───────────────────────────────┘└────────────────────┘
//!  state · epoch · ep/s · diagnosis / message / device · data · keys
//! ```
//!
//! With two-feature data the decision boundary takes the weights' place, and the weights move
//! below it, compact, when there is room. While a learning-rate sweep is shown (`L`, `v`) its
//! panel takes the accuracy panel's place, taller. The run table's view (`T`) is the loss chart
//! over the table, both full width.

mod accuracy;
pub mod boundary;
mod chart;
mod dynamics;
mod form;
mod help;
mod histogram;
mod runs;
mod status;
mod sweep_panel;
mod theme;

#[cfg(test)]
mod tests;

use crate::app::App;
use crate::app::dynamics::View;
use boundary::{BoundaryMap, BoundaryPanel};
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};
use theme::Theme;

/// Below this the panels would be unreadable; a message is drawn instead.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = Theme::new(self.color);
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            render_too_small(area, buf);
            return;
        }
        let [tabs_area, main, status_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(3),
        ])
        .areas(area);
        render_tabs(self, tabs_area, buf, theme);
        if self.view == View::Dynamics {
            dynamics::render(self, main, buf, theme);
        } else if self.runs_view {
            let [chart_area, table_area] = Layout::vertical([
                Constraint::Fill(1),
                Constraint::Length(runs::height(self, main.height)),
            ])
            .areas(main);
            chart::render(self, chart_area, buf, theme);
            runs::render(self, table_area, buf, theme);
        } else {
            render_panels(self, main, buf, theme);
        }
        status::render(self, status_area, buf, theme);
        if self.help {
            help::render(area, buf, theme, self.help_page);
        }
    }
}

/// The views, the one on highlighted, and the chart cursor's reading at the right.
fn render_tabs(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let mut spans = Vec::new();
    for view in View::ALL {
        let text = format!(" {} {} ", view.key(), view.name());
        spans.push(if view == app.view {
            Span::styled(text, theme.selected())
        } else {
            Span::styled(text, theme.dim())
        });
    }
    let tabs = Line::from(spans);
    let used = u16::try_from(tabs.width())
        .unwrap_or(area.width)
        .min(area.width);
    tabs.render(area, buf);
    if let Some(reading) = app.cursor_reading() {
        // Right of the tabs, cut at the left when it does not fit.
        let room = area.width.saturating_sub(used + 2);
        let width = usize::from(room);
        let chars: Vec<char> = reading.chars().collect();
        let shown: String = chars[chars.len().saturating_sub(width.saturating_sub(1))..]
            .iter()
            .collect();
        let rest = Rect {
            x: area.x + used + 2,
            width: room,
            ..area
        };
        Line::styled(format!("{shown} "), theme.mark())
            .right_aligned()
            .render(rest, buf);
    }
}

/// Rows the decision boundary keeps before the weights get any below it.
const BOUNDARY_ROWS: u16 = 12;

/// Chart and accuracy (or sweep) on the left; settings and weights (or the decision boundary)
/// on the right.
fn render_panels(app: &App, main: Rect, buf: &mut Buffer, theme: Theme) {
    let side = (main.width * 2 / 5).clamp(36, 56);
    let [left, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(side)]).areas(main);
    let sweep = app.shown_sweep();
    let bottom = sweep.map_or(5, |_| sweep_panel::height(left.height));
    let [chart_area, bottom_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(bottom)]).areas(left);
    let [form_area, rest] =
        Layout::vertical([Constraint::Length(form::HEIGHT), Constraint::Fill(1)]).areas(right);

    chart::render(app, chart_area, buf, theme);
    match sweep {
        Some(sweep) => sweep_panel::render(sweep, bottom_area, buf, theme),
        None => accuracy::render(app, bottom_area, buf, theme),
    }
    form::render(app, form_area, buf, theme);
    if app.is_planar() {
        // Compact histograms below when the boundary keeps enough rows.
        let wanted = histogram::compact_height(app);
        let weights = wanted.min(rest.height.saturating_sub(BOUNDARY_ROWS));
        let weights = if weights < 5 { 0 } else { weights };
        let [boundary_area, weights_area] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(weights)]).areas(rest);
        render_boundary(app, boundary_area, buf, theme);
        if weights > 0 {
            histogram::render(app, weights_area, buf, theme);
        }
    } else {
        histogram::render(app, rest, buf, theme);
    }
}

fn render_boundary(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let empty = BoundaryMap::default();
    let (map, title) = match &app.boundary {
        Some(b) => (&b.map, format!("Decision boundary (epoch {})", b.epoch)),
        None => (&empty, "Decision boundary".to_string()),
    };
    BoundaryPanel::new(map, theme)
        .title(title)
        .render(area, buf);
}

fn render_too_small(area: Rect, buf: &mut Buffer) {
    let text = format!(
        "terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{})",
        area.width, area.height
    );
    // Vertically centred when there is room; wrapping keeps it whole on narrow terminals.
    let rows = u16::try_from(text.chars().count())
        .unwrap_or(u16::MAX)
        .div_ceil(area.width.max(1));
    let top = area.height.saturating_sub(rows) / 2;
    let area = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    Paragraph::new(text)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

/// A number in at most about 7 characters, with ~3 significant digits.
pub(crate) fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        format!("{v}")
    } else if a == 0.0 {
        "0".into()
    } else if !(0.001..10_000.0).contains(&a) {
        format!("{v:.1e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// `lr 0.1` or, after live changes, `lr 0.1→0.3`.
pub(crate) fn lr_text(run: &crate::app::run::RunView) -> String {
    let start = run.info.settings.lr.get();
    let now = run.lr();
    if now.to_bits() == start.to_bits() {
        format!("lr {start}")
    } else {
        format!("lr {start}→{now}")
    }
}
