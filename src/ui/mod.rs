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
//! panel takes the accuracy panel's place, taller; a race's (`R`) does too, its variants'
//! curves on the loss chart. The run table's view (`T`) is the loss chart
//! over the table, both full width.

mod accuracy;
pub mod boundary;
mod chart;
mod dynamics;
mod events;
mod form;
mod help;
mod histogram;
pub mod network;
mod race_panel;
mod runs;
mod status;
mod sweep_panel;
mod theme;
mod walk;

#[cfg(test)]
mod mouse_tests;
#[cfg(test)]
mod network_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod walk_tests;

use crate::app::App;
use crate::app::dynamics::View;
use crate::app::mouse::{Hit, Panel, Target};
use boundary::{BoundaryMap, BoundaryPanel};
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, StatefulWidget, Widget, Wrap};
use theme::Theme;

/// Below this the panels would be unreadable; a message is drawn instead.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Where the last frame drew what the mouse can click: panels, and things within them.
#[derive(Debug, Clone, Default)]
pub struct Regions {
    panels: Vec<(Rect, Panel)>,
    targets: Vec<(Rect, Target)>,
    /// The loss chart's graph and the epochs from its left edge to its right.
    chart: Option<(Rect, [f64; 2])>,
}

impl Regions {
    pub(crate) fn panel(&mut self, area: Rect, panel: Panel) {
        self.panels.push((area, panel));
    }

    pub(crate) fn target(&mut self, area: Rect, target: Target) {
        self.targets.push((area, target));
    }

    /// What is at cell (`column`, `row`): the innermost panel and target drawn there.
    pub fn hit(&self, column: u16, row: u16) -> Hit {
        let at = ratatui::layout::Position::new(column, row);
        let panel = self
            .panels
            .iter()
            .rev()
            .find(|(area, _)| area.contains(at))
            .map(|&(_, panel)| panel);
        let mut target = self
            .targets
            .iter()
            .rev()
            .find(|(area, _)| area.contains(at))
            .map(|&(_, target)| target);
        if let Some((graph, [from, to])) = self.chart
            && graph.contains(at)
        {
            let across =
                f64::from(column - graph.x) / f64::from(graph.width.saturating_sub(1).max(1));
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "an epoch on the chart's axis, at least 1"
            )]
            let epoch = (from + across * (to - from)).round().max(1.0) as usize;
            target = Some(Target::Epoch(epoch));
        }
        Hit { panel, target }
    }

    fn area_of(&self, panel: Panel) -> Option<Rect> {
        self.panels
            .iter()
            .find(|&&(_, p)| p == panel)
            .map(|&(area, _)| area)
    }
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        StatefulWidget::render(self, area, buf, &mut Regions::default());
    }
}

impl StatefulWidget for &App {
    type State = Regions;

    fn render(self, area: Rect, buf: &mut Buffer, regions: &mut Regions) {
        *regions = Regions::default();
        let theme = Theme::new(self.screen.color);
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
        render_tabs(self, tabs_area, buf, theme, regions);
        match self.screen.view {
            View::Dynamics => dynamics::render(self, main, buf, theme, regions),
            View::Network => network::render(self, main, buf, theme, regions),
            View::Walk => walk::render(self, main, buf, theme, regions),
            View::Overview if self.screen.table.shown => {
                let [chart_area, table_area] = Layout::vertical([
                    Constraint::Fill(1),
                    Constraint::Length(runs::height(self, main.height)),
                ])
                .areas(main);
                render_chart(self, chart_area, buf, theme, regions);
                runs::render(self, table_area, buf, theme);
                regions.panel(table_area, Panel::Runs);
            }
            View::Overview => render_panels(self, main, buf, theme, regions),
        }
        if let Some(focus) = self.screen.focus.and_then(|panel| regions.area_of(panel)) {
            bold_border(focus, buf, theme);
        }
        status::render(self, status_area, buf, theme);
        if self.screen.events {
            events::render(self, main, buf, theme);
        }
        if let Some(page) = self.screen.help {
            help::render(area, buf, theme, page);
        }
    }
}

/// The loss chart, its graph kept for the mouse.
fn render_chart(app: &App, area: Rect, buf: &mut Buffer, theme: Theme, regions: &mut Regions) {
    regions.chart = chart::render(app, area, buf, theme);
    regions.panel(area, Panel::Loss);
}

/// The focused panel's border, bold (and coloured).
fn bold_border(area: Rect, buf: &mut Buffer, theme: Theme) {
    let style = theme.border(true);
    for x in area.left()..area.right() {
        for y in [area.top(), area.bottom().saturating_sub(1)] {
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.set_style(style);
            }
        }
    }
    for y in area.top()..area.bottom() {
        for x in [area.left(), area.right().saturating_sub(1)] {
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.set_style(style);
            }
        }
    }
}

/// The views, the one on highlighted, and the chart cursor's reading at the right.
fn render_tabs(app: &App, area: Rect, buf: &mut Buffer, theme: Theme, regions: &mut Regions) {
    let mut spans = Vec::new();
    let mut x = area.x;
    for view in View::ALL {
        let text = format!(" {} {} ", view.key(), view.name());
        let width = u16::try_from(text.chars().count()).unwrap_or(0);
        regions.target(
            Rect {
                x,
                width,
                height: 1,
                ..area
            }
            .intersection(area),
            Target::Tab(view),
        );
        x = x.saturating_add(width);
        spans.push(if view == app.screen.view {
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
        // Right of the tabs, cut at its end when it does not fit: the epoch and losses first.
        let room = area.width.saturating_sub(used + 2);
        let shown = fit(&reading, usize::from(room).saturating_sub(1));
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
fn render_panels(app: &App, main: Rect, buf: &mut Buffer, theme: Theme, regions: &mut Regions) {
    let side = (main.width * 2 / 5).clamp(36, 56);
    let [left, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(side)]).areas(main);
    let (race, sweep) = (app.shown_race(), app.shown_sweep());
    let bottom = match (race, sweep) {
        (Some(race), _) => race_panel::height(race),
        (None, Some(_)) => sweep_panel::height(left.height),
        (None, None) => 5,
    };
    let [chart_area, bottom_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(bottom)]).areas(left);
    let [form_area, rest] =
        Layout::vertical([Constraint::Length(form::height(app)), Constraint::Fill(1)]).areas(right);

    render_chart(app, chart_area, buf, theme, regions);
    if let Some(race) = race {
        race_panel::render(race, bottom_area, buf, theme);
        regions.panel(bottom_area, Panel::Race);
    } else if let Some(sweep) = sweep {
        sweep_panel::render(sweep, bottom_area, buf, theme);
        regions.panel(bottom_area, Panel::Sweep);
    } else {
        accuracy::render(app, bottom_area, buf, theme);
        regions.panel(bottom_area, Panel::Accuracy);
    }
    form::render(app, form_area, buf, theme);
    regions.panel(form_area, Panel::Settings);
    for (field, row) in form::rows(app).iter().zip(form_area.y + 1..) {
        if row + 1 < form_area.bottom() {
            let line = Rect {
                x: form_area.x + 1,
                y: row,
                width: form_area.width.saturating_sub(2),
                height: 1,
            };
            regions.target(line, Target::Field(*field));
        }
    }
    if app.is_planar() {
        // Compact histograms below when the boundary keeps enough rows.
        let wanted = histogram::compact_height(app);
        let weights = wanted.min(rest.height.saturating_sub(BOUNDARY_ROWS));
        let weights = if weights < 5 { 0 } else { weights };
        let [boundary_area, weights_area] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(weights)]).areas(rest);
        render_boundary(app, boundary_area, buf, theme);
        regions.panel(boundary_area, Panel::Boundary);
        if weights > 0 {
            histogram::render(app, weights_area, buf, theme);
            regions.panel(weights_area, Panel::Weights);
        }
    } else {
        histogram::render(app, rest, buf, theme);
        regions.panel(rest, Panel::Weights);
    }
}

fn render_boundary(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let empty = BoundaryMap::default();
    let (map, title) = match app.shown_boundary() {
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

/// `text` in `width` columns, cut with `…` when it is longer.
pub(crate) fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let kept: String = text.chars().take(width.saturating_sub(1)).collect();
    format!("{kept}…")
}

/// A dim line at the top of a panel's `inner` area, for a panel with nothing to show (yet).
pub(crate) fn note(inner: Rect, buf: &mut Buffer, text: &str, theme: Theme) {
    buf.set_line(
        inner.x,
        inner.y,
        &Line::styled(fit(text, usize::from(inner.width)), theme.dim()),
        inner.width,
    );
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
