//! The network diagram: inputs by name, each hidden layer's units, the output, and every
//! weight between them as a braille line; on two-feature data each unit a thumbnail.

use super::super::Regions;
use super::super::theme::{BLUE, ORANGE, Theme};
use super::super::{fit, note};
use super::{LABEL_WIDTH, THUMB_HEIGHT, THUMB_WIDTH, thumbnail};
use crate::app::mouse::Target;
use crate::app::network::{NetworkView, UnitRef, UnitState, shown_units};
use crate::report::units::UnitMap;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::canvas::{Canvas, Painter, Shape};
use ratatui::widgets::{Block, Widget};

/// An edge below this share of the largest |w| in its gap is faint (left out without colour);
/// from [`THICK_FROM`] on it is drawn doubled.
const FAINT_BELOW: f32 = 0.2;
const THICK_FROM: f32 = 0.6;
/// Past this many edges in a gap the faint ones are left out with colour too: they would only
/// blur the strong ones.
const CROWDED: usize = 100;

/// What the diagram draws.
pub(super) struct Scene<'a> {
    pub network: Option<&'a NetworkView>,
    pub features: &'a [String],
    pub maps: &'a [UnitMap],
    pub planar: bool,
    pub selected: Option<UnitRef>,
    pub theme: Theme,
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

pub(super) fn render_diagram(scene: &Scene, area: Rect, buf: &mut Buffer, regions: &mut Regions) {
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
fn gap_matrix(network: &NetworkView, from: usize) -> &crate::report::weights::Matrix {
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
