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

use super::Regions;
use super::boundary::{BLUE, ORANGE, SHADES};
use super::theme::Theme;
use super::{fit, fmt_num, note};
use crate::app::App;
use crate::app::mouse::{Panel, Target};
use crate::app::network::{
    BandHistory, InspectedState, Inspection, NetworkView, UnitRef, UnitState, shown_units, signed,
    unit_name,
};
use crate::trainer::messages::UnitMap;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Painter, Shape};
use ratatui::widgets::{Block, Widget};

/// A unit's thumbnail on two-feature data: columns and rows (four samples high), its label
/// beside it.
const THUMB_WIDTH: u16 = 6;
const THUMB_HEIGHT: u16 = 2;
/// The longest input name shown whole.
const LABEL_WIDTH: usize = 12;
/// An edge below this share of the largest |w| in its gap is faint (left out without colour);
/// from [`THICK_FROM`] on it is drawn doubled.
const FAINT_BELOW: f32 = 0.2;
const THICK_FROM: f32 = 0.6;
/// Past this many edges in a gap the faint ones are left out with colour too: they would only
/// blur the strong ones.
const CROWDED: usize = 100;
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
    let [diagram_area, bands_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(bands_rows)]).areas(left);
    let run = app.current();
    let network = run.and_then(|r| r.network.as_ref());
    let features = run.map_or(&[][..], |r| r.info.features.as_slice());
    let maps = app
        .boundary
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

/// What the diagram draws.
struct Scene<'a> {
    network: Option<&'a NetworkView>,
    features: &'a [String],
    maps: &'a [UnitMap],
    planar: bool,
    selected: Option<UnitRef>,
    theme: Theme,
}

/// One column of the diagram: the inputs, a hidden layer or the output.
#[derive(Debug, Clone, PartialEq)]
struct Column {
    x: u16,
    width: u16,
    node_height: u16,
    /// The units shown, in unit order, and the top row of each.
    nodes: Vec<(usize, u16)>,
    /// Units left out for want of room.
    folded: usize,
}

impl Column {
    /// Where edges meet the node of `unit`: the middle of its rows, in rows from the top.
    fn centre_of(&self, unit: usize) -> Option<f64> {
        self.nodes
            .iter()
            .find(|(u, _)| *u == unit)
            .map(|(_, top)| f64::from(*top) + f64::from(self.node_height) / 2.0)
    }
}

/// Where every column and node goes in `body` (the rows between the header and the legend);
/// `None` when the columns do not fit side by side.
fn layout(scene: &Scene, network: &NetworkView, body: Rect) -> Option<Vec<Column>> {
    let layers = network.hidden_layers();
    let inputs = network.inputs();
    let label_width = (0..inputs)
        .map(|i| input_name(scene.features, i).chars().count())
        .max()
        .unwrap_or(2)
        .clamp(2, LABEL_WIDTH);
    let label_width = u16::try_from(label_width).unwrap_or(2);
    let hidden_width = |size: usize| {
        let digits = size.saturating_sub(1).max(1).ilog10() + 1;
        let label = u16::try_from(digits).unwrap_or(4) + 2;
        if scene.planar {
            THUMB_WIDTH + 1 + label
        } else {
            label
        }
    };
    let mut widths = vec![label_width];
    widths.extend((0..layers).map(|l| hidden_width(network.layer_size(l))));
    widths.push(5);
    let fixed: u16 = widths.iter().sum();
    let gaps = u16::try_from(layers + 1).ok()?;
    let gap = body.width.checked_sub(fixed)? / gaps;
    if gap < 3 || body.height < 2 {
        return None;
    }
    let mut x = body.x;
    let mut columns = Vec::new();
    for (index, &width) in widths.iter().enumerate() {
        let hidden = index > 0 && index <= layers;
        let node_height = if hidden && scene.planar {
            THUMB_HEIGHT
        } else {
            1
        };
        let (ranking, keep) = if index == 0 {
            (network.ranking(None), None)
        } else {
            let layer = index - 1;
            let keep = scene.selected.filter(|u| u.layer == layer).map(|u| u.unit);
            (network.ranking(Some(layer)), keep)
        };
        let n = ranking.len();
        let fits = usize::from(body.height / node_height);
        let (shown, rows) = if n <= fits {
            (shown_units(ranking, fits, keep), body.height)
        } else {
            let rows = body.height - 1;
            (
                shown_units(ranking, usize::from(rows / node_height), keep),
                rows,
            )
        };
        let k = u16::try_from(shown.len()).unwrap_or(u16::MAX).max(1);
        let nodes = shown
            .iter()
            .zip(0u16..)
            .map(|(&unit, i)| {
                let centre = u32::from(2 * i + 1) * u32::from(rows) / u32::from(2 * k);
                let centre = u16::try_from(centre).unwrap_or(0);
                let top = centre
                    .saturating_sub(node_height / 2)
                    .min(rows.saturating_sub(node_height));
                (unit, body.y + top)
            })
            .collect();
        columns.push(Column {
            x,
            width,
            node_height,
            nodes,
            folded: n - shown.len(),
        });
        x += width + gap;
    }
    Some(columns)
}

fn input_name(features: &[String], index: usize) -> String {
    features
        .get(index)
        .cloned()
        .unwrap_or_else(|| format!("x{}", index + 1))
}

/// `text` in lines of at most `width` columns, broken at spaces (a word longer than a line
/// is cut).
fn wrapped(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
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

fn render_diagram(scene: &Scene, area: Rect, buf: &mut Buffer, regions: &mut Regions) {
    let theme = scene.theme;
    let Some(network) = scene.network else {
        let block = Block::bordered().title(Line::styled(" Network ", theme.title()));
        let inner = block.inner(area);
        block.render(area, buf);
        note(inner, buf, "waiting for the first snapshot…", theme);
        return;
    };
    let mut block = Block::bordered().title(Line::styled(
        format!(" Network · epoch {} ", network.epoch),
        theme.title(),
    ));
    let (dead, total) = network.dead();
    if dead > 0 {
        block = block.title_top(
            Line::styled(
                format!(" {dead}/{total} hidden units dead "),
                theme.warning(),
            )
            .right_aligned(),
        );
    }
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height < 4 {
        return;
    }
    let body = Rect {
        y: inner.y + 1,
        height: inner.height - 2,
        ..inner
    };
    let Some(columns) = layout(scene, network, body) else {
        note(
            inner,
            buf,
            "too narrow for the diagram: widen the terminal",
            theme,
        );
        return;
    };
    render_edges(scene, network, &columns, body, buf);
    render_nodes(scene, network, &columns, inner, body, buf, regions);
    let legend = if theme.color {
        "● live ◆ always on ✕ dead · edges: blue +, orange −, bolder = larger |w|"
    } else {
        "● live ◆ always on ✕ dead · edges: solid +, dashed −, doubled = larger |w|"
    };
    buf.set_line(
        inner.x,
        inner.bottom() - 1,
        &Line::styled(fit(legend, usize::from(inner.width)), theme.dim()),
        inner.width,
    );
}

/// The weights from column `from` to the next, as a matrix of `[sources, targets]`.
fn gap_matrix(network: &NetworkView, from: usize) -> &crate::model::weights::Matrix {
    network
        .weights
        .hidden
        .get(from)
        .unwrap_or(&network.weights.output)
}

/// One weight's line.
struct Edge {
    from: (f64, f64),
    to: (f64, f64),
    color: Color,
    dashed: bool,
    thick: bool,
}

/// Lines between two columns, drawn dot by dot so that a line can be dashed or doubled.
struct Edges(Vec<Edge>);

impl Shape for Edges {
    fn draw(&self, painter: &mut Painter) {
        for edge in &self.0 {
            let (Some(a), Some(b)) = (
                painter.get_point(edge.from.0, edge.from.1),
                painter.get_point(edge.to.0, edge.to.1),
            ) else {
                continue;
            };
            let signed = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
            let (x0, y0, x1, y1) = (signed(a.0), signed(a.1), signed(b.0), signed(b.1));
            let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
            let (sx, sy) = (if x0 < x1 { 1 } else { -1 }, if y0 < y1 { 1 } else { -1 });
            let (mut x, mut y, mut err) = (x0, y0, dx + dy);
            let mut step = 0usize;
            loop {
                if !edge.dashed || step % 4 < 2 {
                    #[expect(
                        clippy::cast_sign_loss,
                        clippy::cast_possible_truncation,
                        reason = "points between two points of the grid"
                    )]
                    let (px, py) = (x as usize, y as usize);
                    painter.paint(px, py, edge.color);
                    if edge.thick {
                        painter.paint(px, py + 1, edge.color);
                    }
                }
                if x == x1 && y == y1 {
                    break;
                }
                let e2 = 2 * err;
                if e2 >= dy {
                    err += dy;
                    x += sx;
                }
                if e2 <= dx {
                    err += dx;
                    y += sy;
                }
                step += 1;
            }
        }
    }
}

fn render_edges(
    scene: &Scene,
    network: &NetworkView,
    columns: &[Column],
    body: Rect,
    buf: &mut Buffer,
) {
    let theme = scene.theme;
    for (index, pair) in columns.windows(2).enumerate() {
        let (left, right) = (&pair[0], &pair[1]);
        let matrix = gap_matrix(network, index);
        let area = Rect {
            x: left.x + left.width,
            width: right.x.saturating_sub(left.x + left.width),
            ..body
        };
        if area.width == 0 {
            continue;
        }
        let height = f64::from(body.height);
        let y = |centre: f64| height - (centre - f64::from(body.y));
        let weight = |s: usize, t: usize| {
            matrix
                .values
                .get(s * matrix.cols + t)
                .copied()
                .unwrap_or(0.0)
        };
        let largest = left
            .nodes
            .iter()
            .flat_map(|&(s, _)| right.nodes.iter().map(move |&(t, _)| weight(s, t).abs()))
            .filter(|w| w.is_finite())
            .fold(0.0f32, f32::max);
        let selected = |s: usize, t: usize| {
            scene.selected.is_some_and(|u| {
                (u.layer + 1 == index && u.unit == s) || (u.layer == index && u.unit == t)
            })
        };
        let crowded = left.nodes.len() * right.nodes.len() > CROWDED;
        let mut edges = Vec::new();
        let mut chosen = Vec::new();
        for &(s, _) in &left.nodes {
            for &(t, _) in &right.nodes {
                let w = weight(s, t);
                let share = if largest > 0.0 {
                    w.abs() / largest
                } else {
                    0.0
                };
                let faint = share < FAINT_BELOW && !selected(s, t);
                if !share.is_finite() || (faint && (!theme.color || crowded)) {
                    continue;
                }
                let (Some(from), Some(to)) = (left.centre_of(s), right.centre_of(t)) else {
                    continue;
                };
                let level = if share < FAINT_BELOW {
                    0
                } else if share < THICK_FROM {
                    1
                } else {
                    3
                };
                let is_selected = selected(s, t);
                let level = if is_selected { 3 } else { level };
                let hue = if w < 0.0 { ORANGE } else { BLUE };
                let edge = Edge {
                    from: (0.0, y(from)),
                    to: (f64::from(area.width), y(to)),
                    color: if theme.color {
                        hue[level]
                    } else {
                        Color::Reset
                    },
                    dashed: w < 0.0,
                    thick: share >= THICK_FROM,
                };
                if is_selected {
                    chosen.push((share, edge));
                } else {
                    edges.push((share, edge));
                }
            }
        }
        // A braille cell takes the colour painted last: the larger weights last, and the
        // selected unit's edges after them all.
        edges.sort_by(|a, b| a.0.total_cmp(&b.0));
        let edges: Vec<Edge> = edges.into_iter().chain(chosen).map(|(_, e)| e).collect();
        let shape = Edges(edges);
        Canvas::default()
            .marker(Marker::Braille)
            .x_bounds([0.0, f64::from(area.width)])
            .y_bounds([0.0, height])
            .paint(|ctx| ctx.draw(&shape))
            .render(area, buf);
    }
}

fn state_glyph(state: UnitState) -> &'static str {
    match state {
        UnitState::Live => "●",
        UnitState::AlwaysOn => "◆",
        UnitState::Dead { .. } => "✕",
        UnitState::NotANumber => "?",
    }
}

fn render_nodes(
    scene: &Scene,
    network: &NetworkView,
    columns: &[Column],
    inner: Rect,
    body: Rect,
    buf: &mut Buffer,
    regions: &mut Regions,
) {
    let theme = scene.theme;
    let layers = network.hidden_layers();
    for (index, column) in columns.iter().enumerate() {
        let header = match index {
            0 => "inputs".to_string(),
            i if i <= layers => format!("h{i} · {}", network.layer_size(i - 1)),
            _ => "out".to_string(),
        };
        let room = columns
            .get(index + 1)
            .map_or(inner.right() - column.x, |next| next.x - column.x);
        buf.set_stringn(
            column.x,
            inner.y,
            &header,
            usize::from(room.saturating_sub(1)),
            theme.dim(),
        );
        for &(unit, top) in &column.nodes {
            let area = Rect {
                x: column.x,
                y: top,
                width: column.width,
                height: column.node_height,
            };
            if index == 0 {
                let name = fit(&input_name(scene.features, unit), usize::from(column.width));
                Line::raw(name).right_aligned().render(area, buf);
                continue;
            }
            let at = UnitRef {
                layer: index - 1,
                unit,
            };
            regions.target(area, Target::Unit(at));
            render_node(scene, network, at, area, buf);
        }
        if column.folded > 0 {
            let dead_folded = if index > 0 && index <= layers {
                let shown_dead = column
                    .nodes
                    .iter()
                    .filter(|&&(u, _)| {
                        matches!(network.state(index - 1, u), UnitState::Dead { .. })
                    })
                    .count();
                network.dead_in(index - 1) - shown_dead
            } else {
                0
            };
            let text = if dead_folded > 0 {
                format!("+{} more, {dead_folded} ✕", column.folded)
            } else {
                format!("+{} more", column.folded)
            };
            buf.set_stringn(
                column.x,
                body.bottom() - 1,
                text,
                usize::from(room.saturating_sub(1)),
                theme.dim(),
            );
        }
    }
}

/// A hidden or output unit's node: its state and number, or on two-feature data its map with
/// them below.
fn render_node(scene: &Scene, network: &NetworkView, at: UnitRef, area: Rect, buf: &mut Buffer) {
    let theme = scene.theme;
    let is_selected = scene.selected == Some(at);
    if at.layer == network.hidden_layers() {
        let (text, style) = if network.health.live_rows == 0 {
            ("◉ sat", theme.warning())
        } else {
            ("◉ out", Style::new())
        };
        let style = if is_selected { theme.selected() } else { style };
        buf.set_stringn(area.x, area.y, text, usize::from(area.width), style);
        return;
    }
    let state = network.state(at.layer, at.unit);
    let style = match state {
        UnitState::Dead { .. } => theme.warning(),
        UnitState::NotANumber => theme.error(),
        UnitState::Live | UnitState::AlwaysOn => Style::new(),
    };
    let style = if is_selected { theme.selected() } else { style };
    let label = format!("{} {}", state_glyph(state), at.unit);
    if area.height > 1 {
        let thumb = Rect {
            width: THUMB_WIDTH.min(area.width),
            ..area
        };
        match scene
            .maps
            .iter()
            .find(|m| m.layer == at.layer && m.unit == at.unit)
        {
            Some(map) => thumbnail(map, thumb, buf, theme),
            None => {
                for row in thumb.top()..thumb.bottom() {
                    let dots = "·".repeat(usize::from(thumb.width));
                    buf.set_stringn(thumb.x, row, dots, usize::from(thumb.width), theme.dim());
                }
            }
        }
        buf.set_stringn(
            area.x + THUMB_WIDTH + 1,
            area.y,
            &label,
            usize::from(area.width.saturating_sub(THUMB_WIDTH + 1)),
            style,
        );
        return;
    }
    buf.set_stringn(area.x, area.y, &label, usize::from(area.width), style);
}

/// A unit's map in `area`: two samples per cell, one above the other, dark where the ReLU is
/// zero and bluer the larger it is; without colour, shades.
fn thumbnail(map: &UnitMap, area: Rect, buf: &mut Buffer, theme: Theme) {
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

fn render_inspector(
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
        InspectedState::Hidden { state, active } => {
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
                UnitState::Live => (format!("● live: active on {share} of rows"), Style::new()),
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

/// The percentile bands of one tensor over time: the shade of each cell says which band its
/// value falls in (`█` the middle 38 %, `▓` 68 %, `▒` 87 %, `░` all), `━` marks the median.
fn render_bands(network: Option<&NetworkView>, area: Rect, buf: &mut Buffer, theme: Theme) {
    let block = Block::bordered().title(Line::styled(
        " Distributions · bands at percentiles 0 7 16 31 50 69 84 93 100 ",
        theme.title(),
    ));
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(network) = network else {
        return;
    };
    // A single value has no spread: the bias is left out.
    let tensors: Vec<&(String, BandHistory)> = network
        .bands
        .iter()
        .filter(|(name, _)| name != crate::model::weights::BIAS)
        .collect();
    if tensors.is_empty() || inner.height < 4 {
        return;
    }
    let n = u32::try_from(tensors.len()).unwrap_or(1);
    let parts = Layout::horizontal(vec![Constraint::Ratio(1, n); tensors.len()]).split(inner);
    for ((name, history), &part) in tensors.iter().zip(parts.iter()) {
        render_band_chart(name, history, part, buf, theme);
    }
}

fn render_band_chart(
    name: &str,
    history: &BandHistory,
    area: Rect,
    buf: &mut Buffer,
    theme: Theme,
) {
    let points = history.points();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return;
    };
    let low = points
        .iter()
        .map(|(_, b)| b[0])
        .fold(f32::INFINITY, f32::min);
    let high = points
        .iter()
        .map(|(_, b)| b[8])
        .fold(f32::NEG_INFINITY, f32::max);
    let (low_text, high_text) = (fmt_num(f64::from(low)), fmt_num(f64::from(high)));
    let label_width = low_text.chars().count().max(high_text.chars().count());
    let label = u16::try_from(label_width).unwrap_or(6);
    buf.set_stringn(
        area.x,
        area.y,
        format!("{name} · {} to {}", first.0, last.0),
        usize::from(area.width.saturating_sub(1)),
        theme.dim(),
    );
    let graph = Rect {
        x: area.x + label + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(label + 2),
        height: area.height.saturating_sub(1),
    };
    if graph.width < 2 || graph.height < 2 {
        return;
    }
    buf.set_stringn(area.x, graph.y, &high_text, label_width, theme.dim());
    buf.set_stringn(
        area.x,
        graph.bottom() - 1,
        &low_text,
        label_width,
        theme.dim(),
    );
    let span = if high > low { high - low } else { 1.0 };
    let (from, to) = (first.0 as f64, last.0 as f64);
    let style = if theme.color {
        Style::new().fg(ORANGE[2])
    } else {
        Style::new()
    };
    for cx in 0..graph.width {
        let epoch = if graph.width > 1 && to > from {
            from + (to - from) * f64::from(cx) / f64::from(graph.width - 1)
        } else {
            to
        };
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "an epoch between the first and the last"
        )]
        let Some((_, bands)) = history.at(epoch.round() as usize) else {
            continue;
        };
        let rows = f32::from(graph.height);
        let row_of = |v: f32| {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a value within the range lands on a row"
            )]
            let r = (((high - v) / span) * (rows - 1.0))
                .round()
                .clamp(0.0, rows - 1.0) as u16;
            r
        };
        let median = row_of(bands[4]);
        for cy in 0..graph.height {
            // The value at the cell's centre.
            let v = high - span * (f32::from(cy) / (rows - 1.0).max(1.0));
            let symbol = if cy == median {
                "━"
            } else if (bands[3]..=bands[5]).contains(&v) {
                "█"
            } else if (bands[2]..=bands[6]).contains(&v) {
                "▓"
            } else if (bands[1]..=bands[7]).contains(&v) {
                "▒"
            } else if (bands[0]..=bands[8]).contains(&v)
                || cy == row_of(bands[0])
                || cy == row_of(bands[8])
            {
                "░"
            } else {
                continue;
            };
            if let Some(cell) = buf.cell_mut((graph.x + cx, graph.y + cy)) {
                cell.set_symbol(symbol).set_style(style);
            }
        }
    }
}
