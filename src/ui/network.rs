//! The network view (key `3`), TensorFlow Playground's picture in a terminal: the inputs by
//! name, each hidden layer's units, the output, and every weight between them as a braille
//! line, blue when positive and orange when negative, bolder when larger. Without colour the
//! sign is the line's pattern (solid +, dashed −) and the size its weight (doubled when large;
//! the smallest left out). On two-feature data each unit is a thumbnail of what it responds to
//! over the plane. Beside it the inspector; below it each tensor's spread over time.
//!
//! ```text
//! ┌ Network · epoch 40 ─────────── 7/20 hidden units dead ┐┌ Inspector ──────────┐
//! │  inputs            h1 · 20            out              ││ h1.7 · column 7 …   │
//! │      Age ⠑⠢⢄⡀      ● 0                                  ││ live: active on 63 %│
//! │ Sex_male ⠀⠀⠈⠉⠒⠤⣀  ✕ 1 ⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤ ◉ out                ││ looks at: Sex_male …│
//! │ ● live ◆ always on ✕ dead · edges: blue +, orange −    ││ incoming weights    │
//! └────────────────────────────────────────────────────────┘└─────────────────────┘
//! ┌ Distributions · TensorBoard's bands: 0 7 16 31 50 69 84 93 100 % ─────────────┐
//! │ wt_hidden ░▒▓█▓▒░ …                                                             │
//! └────────────────────────────────────────────────────────────────────────────────┘
//! ```

mod bands;
mod diagram;
mod inspector;

use super::theme::{BLUE, SHADES, Theme};
use super::{Regions, fit};
use crate::app::App;
use crate::app::mouse::Panel;
use crate::app::network::{NetworkView, signed};
use crate::report::units::UnitMap;
use bands::render_bands;
use diagram::{Scene, render_diagram};
use inspector::render_inspector;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Widget};

/// A unit's thumbnail on two-feature data: columns and rows (four samples high), its label
/// beside it.
pub(super) const THUMB_WIDTH: u16 = 6;
pub(super) const THUMB_HEIGHT: u16 = 2;
/// The longest input name shown whole.
pub(super) const LABEL_WIDTH: usize = 12;
/// The map of an unmeasured cell: dark grey.
const OFF: Color = Color::Indexed(236);

/// The network view in `area`.
pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme, regions: &mut Regions) {
    let side = (u32::from(area.width) * 3 / 10).clamp(32, 46);
    let side = u16::try_from(side).unwrap_or(46);
    let [left, inspector_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(side)]).areas(area);
    let bands_rows = if left.height >= 28 {
        (left.height / 3).clamp(8, 14)
    } else {
        0
    };
    let run = app.current();
    let network = app.shown_network();
    let features = run.map_or(&[][..], |r| r.info.features.as_slice());
    let linear = run.is_some_and(|r| r.info.settings.method.activation.all_linear());
    let note_rows = if linear { LINEAR_NOTE_ROWS } else { 0 };
    let [diagram_area, note_area, bands_area] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(note_rows),
        Constraint::Length(bands_rows),
    ])
    .areas(left);
    if linear {
        render_linear_map(network, features, note_area, buf, theme);
    }
    let maps = app
        .shown_boundary()
        .as_ref()
        .filter(|b| run.is_some_and(|r| r.id() == b.run))
        .map_or(&[][..], |b| b.units.as_slice());
    let selected = app.inspected_unit();
    regions.panel(diagram_area, Panel::Network);
    render_diagram(
        &Scene {
            network,
            features,
            maps,
            planar: app.is_planar(),
            selected,
            theme,
        },
        diagram_area,
        buf,
        regions,
    );
    regions.panel(inspector_area, Panel::Inspector);
    render_inspector(
        network,
        features,
        maps,
        selected,
        inspector_area,
        buf,
        theme,
    );
    if bands_rows > 0 {
        regions.panel(bands_area, Panel::Distributions);
        render_bands(network, bands_area, buf, theme);
    }
}

/// Rows of the linear network's note: three lines and the border.
const LINEAR_NOTE_ROWS: u16 = 5;

/// The tutorial's claim, shown: with linear hidden units the network is one linear map,
/// `sigmoid(x · W + b)`, `W` the product of its weight matrices (by input, largest first).
fn render_linear_map(
    network: Option<&NetworkView>,
    features: &[String],
    area: Rect,
    buf: &mut Buffer,
    theme: Theme,
) {
    let block = Block::bordered().title(Line::styled(" One linear map ", theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width);
    let mut lines = wrapped(
        "linear hidden units: the layers collapse into one, P(class 1) = sigmoid(x · W + b)",
        width,
        Style::new(),
    );
    let map = network.and_then(|n| n.weights.linear_map().map(|m| (m, n.weights.bias)));
    if let Some((map, bias)) = map {
        let mut terms: Vec<(usize, f32)> = map.values.iter().copied().enumerate().collect();
        terms.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        let name = |i: usize| {
            features
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("x{}", i + 1))
        };
        let terms: Vec<String> = terms
            .iter()
            .map(|&(i, w)| format!("{} {}", name(i), signed(w)))
            .collect();
        let text = format!(
            "b {} · W = wt_hidden·…·wt_output: {}",
            signed(bias),
            terms.join(", ")
        );
        lines.extend(wrapped(&text, width, theme.mark()));
    }
    for (row, line) in (inner.y..inner.bottom()).zip(lines) {
        buf.set_line(inner.x, row, &line, inner.width);
    }
}

/// `text` in lines of at most `width` columns, broken at spaces (a word longer than a line
/// is cut).
pub(super) fn wrapped(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
        .iter()
        .map(|line| Line::styled(fit(line, width), style))
        .collect()
}

/// A unit's map in `area`: two samples per cell, one above the other, dark where its output is
/// zero or below (a ReLU's off side, a tanh's negative half) and bluer the larger it is;
/// without colour, shades.
pub(super) fn thumbnail(map: &UnitMap, area: Rect, buf: &mut Buffer, theme: Theme) {
    if area.is_empty() || map.cols == 0 || map.rows == 0 {
        return;
    }
    let peak = map.peak();
    let level = |col: usize, sample_row: usize| -> usize {
        let v = map
            .values
            .get(sample_row * map.cols + col)
            .copied()
            .unwrap_or(0.0);
        if v.is_nan() || v <= 0.0 || peak <= 0.0 {
            return 0;
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a share from 0 to 1 of four levels"
        )]
        let l = 1 + ((v / peak) * 3.999) as usize;
        l.min(4)
    };
    let (width, height) = (usize::from(area.width), usize::from(area.height));
    for (cy, row) in (area.top()..area.bottom()).enumerate() {
        for (cx, column) in (area.left()..area.right()).enumerate() {
            let col = cx * map.cols / width;
            let upper = level(col, (2 * cy) * map.rows / (2 * height));
            let lower = level(col, (2 * cy + 1) * map.rows / (2 * height));
            let Some(cell) = buf.cell_mut((column, row)) else {
                continue;
            };
            if theme.color {
                let colour = |l: usize| if l == 0 { OFF } else { BLUE[l - 1] };
                cell.set_symbol("▀")
                    .set_style(Style::new().fg(colour(upper)).bg(colour(lower)));
            } else {
                cell.set_symbol(SHADES[(upper + lower).div_ceil(2)]);
            }
        }
    }
}
