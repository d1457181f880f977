//! The decision boundary: the network's P(class 1) over the plane of two input features, drawn
//! as TensorFlow Playground draws it — a heat map, orange for class 0 and blue for class 1,
//! deeper where the network is surer — with the training points on top.
//!
//! Each terminal cell shows two grid samples, one above the other (`▀`, foreground the upper
//! sample, background the lower). Without colour, cells are shaded from ' ' (P 0) to '█' (P 1)
//! and points are `o` (class 0) and `x` (class 1).

use super::theme::{BLUE, ORANGE, SHADES, Theme};
pub use crate::report::plane::BoundaryMap;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

/// The panel's title unless [`BoundaryPanel::title`] sets another.
pub const TITLE: &str = "Decision boundary · P(class 1)";

/// Within 0.1 of 0.5: the boundary itself, a grey band.
pub(crate) const UNSURE: Color = Color::Indexed(238);
/// Points, class 0 and class 1: lighter than the map, so a point shows on its own class too.
const POINT_COLOURS: [Color; 2] = [Color::Indexed(222), Color::Indexed(117)];
const POINT_MARKS: [&str; 2] = ["○", "●"];
const PLAIN_MARKS: [&str; 2] = ["o", "x"];
/// Below this many inner rows the legend gives its row to the map.
const LEGEND_FROM: u16 = 3;
/// A cell shows one mark, so points beyond a few per cell would only cost time.
const POINTS_PER_CELL: usize = 2;

/// The decision-boundary panel: a border, a legend line and the map of a [`BoundaryMap`].
pub struct BoundaryPanel<'a> {
    map: &'a BoundaryMap,
    theme: Theme,
    title: String,
}

impl<'a> BoundaryPanel<'a> {
    pub fn new(map: &'a BoundaryMap, theme: Theme) -> Self {
        BoundaryPanel {
            map,
            theme,
            title: TITLE.to_string(),
        }
    }

    /// Replaces the title (e.g. to add the epoch the map is from).
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The grid (cols, rows) that the panel drawn in `area` shows one to one: a column per
    /// terminal column, two rows per terminal row. Ask the network for this resolution; a map
    /// of another size is drawn too, sampled nearest-neighbour.
    pub fn grid_size(area: Rect) -> (usize, usize) {
        let map = layout(area).1;
        (usize::from(map.width), 2 * usize::from(map.height))
    }

    /// The point marks, then the colour (or shade) scale of P where there is room for it.
    fn render_legend(&self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let (mut spans, scale) = if self.theme.color {
            let mark = |class: usize| {
                Span::styled(
                    POINT_MARKS[class],
                    Style::new().fg(POINT_COLOURS[class]).bold(),
                )
            };
            let mut scale = vec![Span::raw("  0 ")];
            scale.extend(
                (0..=8).map(|i| Span::styled("█", Style::new().fg(colour_of(i as f32 / 8.0)))),
            );
            scale.push(Span::raw(" 1"));
            let marks = vec![
                mark(0),
                Span::raw(" class 0  "),
                mark(1),
                Span::raw(" class 1"),
            ];
            (marks, scale)
        } else {
            let marks = format!("{} class 0  {} class 1", PLAIN_MARKS[0], PLAIN_MARKS[1]);
            let scale = format!("  0 [{}] 1", SHADES.concat());
            (vec![Span::raw(marks)], vec![Span::raw(scale)])
        };
        let width = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
        if width(&spans) + width(&scale) <= usize::from(area.width) {
            spans.extend(scale);
        }
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
    }

    fn render_map(&self, area: Rect, buf: &mut Buffer) {
        let map = self.map;
        let (width, height) = (usize::from(area.width), 2 * usize::from(area.height));
        for y in 0..area.height {
            let upper_row = nearest(2 * usize::from(y), height, map.rows);
            let lower_row = nearest(2 * usize::from(y) + 1, height, map.rows);
            for x in 0..area.width {
                let col = nearest(usize::from(x), width, map.cols);
                let upper = map.prob(col, upper_row).unwrap_or(0.5);
                let lower = map.prob(col, lower_row).unwrap_or(0.5);
                let Some(cell) = buf.cell_mut((area.x + x, area.y + y)) else {
                    continue;
                };
                if self.theme.color {
                    cell.set_symbol("▀")
                        .set_fg(colour_of(upper))
                        .set_bg(colour_of(lower));
                } else {
                    cell.set_symbol(shade_of(f32::midpoint(upper, lower)));
                }
            }
        }
    }

    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "x and y are checked to lie within the panel"
    )]
    fn render_points(&self, area: Rect, buf: &mut Buffer) {
        let map = self.map;
        let ((left, right), (bottom, top)) = (map.x_range, map.y_range);
        let spans = [left, right, bottom, top];
        if area.is_empty() || spans.iter().any(|v| !v.is_finite()) || right <= left || top <= bottom
        {
            return;
        }
        let (width, height) = (f32::from(area.width), 2.0 * f32::from(area.height));
        let cells = usize::from(area.width) * usize::from(area.height);
        let has_grid = map.has_grid();
        for &(x1, x2, label) in map.points.iter().take(cells * POINTS_PER_CELL) {
            let x = (x1 - left) / (right - left) * width;
            // Sample rows from the top, two per terminal row.
            let y = (top - x2) / (top - bottom) * height;
            // Also false for NaN.
            if !((0.0..width).contains(&x) && (0.0..height).contains(&y)) {
                continue;
            }
            let (x, y) = (x as u16, y as usize);
            let Some(cell) = buf.cell_mut((area.x + x, area.y + (y / 2) as u16)) else {
                continue;
            };
            let class = usize::from(label);
            if self.theme.color {
                let mut style = Style::new().fg(POINT_COLOURS[class]).bold();
                if has_grid {
                    let col = nearest(usize::from(x), usize::from(area.width), map.cols);
                    let row = nearest(y, 2 * usize::from(area.height), map.rows);
                    style = style.bg(colour_of(map.prob(col, row).unwrap_or(0.5)));
                }
                cell.set_symbol(POINT_MARKS[class]).set_style(style);
            } else {
                cell.set_symbol(PLAIN_MARKS[class])
                    .set_style(Style::new().bold());
            }
        }
    }
}

impl Widget for BoundaryPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        let block = Block::bordered().title(Line::styled(
            format!(" {} ", self.title),
            self.theme.title(),
        ));
        let (legend, map_area) = layout(area);
        block.render(area, buf);
        self.render_legend(legend, buf);
        if self.map.has_grid() {
            self.render_map(map_area, buf);
        } else if !map_area.is_empty() {
            buf.set_line(
                map_area.x,
                map_area.y,
                &Line::styled("no prediction yet", self.theme.dim()),
                map_area.width,
            );
        }
        self.render_points(map_area, buf);
    }
}

/// The legend row (empty when there is no room for it) and the map's area.
fn layout(area: Rect) -> (Rect, Rect) {
    let inner = Block::bordered().inner(area);
    if inner.height < LEGEND_FROM {
        return (Rect { height: 0, ..inner }, inner);
    }
    let legend = Rect { height: 1, ..inner };
    let map = Rect {
        y: inner.y + 1,
        height: inner.height - 1,
        ..inner
    };
    (legend, map)
}

/// The grid index (of `to`) whose span holds the centre of sample `index` of `from`.
fn nearest(index: usize, from: usize, to: usize) -> usize {
    if from == 0 || to == 0 {
        return 0;
    }
    ((2 * index + 1) * to / (2 * from)).min(to - 1)
}

/// The map's colour for P(class 1) = `p`; a value that is not a probability (NaN from a
/// diverged run) is as unsure as 0.5.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "p is clamped to 0..=1"
)]
fn colour_of(p: f32) -> Color {
    let p = if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let sureness = (2.0 * p - 1.0).abs();
    // 0 within 0.1 of the boundary, 4 within 0.1 of certainty.
    match (sureness * 5.0) as usize {
        0 => UNSURE,
        level => {
            let ramp = if p < 0.5 { &ORANGE } else { &BLUE };
            ramp[level.min(4) - 1]
        }
    }
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "p is clamped to 0..=1"
)]
fn shade_of(p: f32) -> &'static str {
    let p = if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        0.5
    };
    SHADES[((p * 5.0) as usize).min(4)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use insta::assert_snapshot;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    const RANGE: (f32, f32) = (-1.2, 1.2);

    /// A network that has learnt the circle: P(class 1) falls from 1 to 0 around radius 0.5.
    fn circle_map(cols: usize, rows: usize) -> BoundaryMap {
        let inputs = BoundaryMap::grid_inputs(cols, rows, RANGE, RANGE);
        let probs = inputs
            .chunks_exact(2)
            .map(|p| 1.0 / (1.0 + (12.0 * (p[0].hypot(p[1]) - 0.5)).exp()))
            .collect();
        BoundaryMap {
            cols,
            rows,
            probs,
            x_range: RANGE,
            y_range: RANGE,
            points: vec![
                (0.0, 0.0, true),
                (0.2, -0.15, true),
                (-0.25, 0.2, true),
                (0.9, 0.9, false),
                (-0.8, 0.3, false),
                (0.7, -0.6, false),
                (-0.6, -0.9, false),
                // Misclassified: class 0 inside the disc.
                (0.1, 0.3, false),
                // Outside the ranges: not drawn.
                (5.0, 0.0, true),
                (f32::NAN, 0.0, true),
            ],
        }
    }

    fn draw(map: &BoundaryMap, color: bool, width: u16, height: u16) -> Terminal<TestBackend> {
        let theme = Theme::new(color);
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        terminal
            .draw(|frame| frame.render_widget(BoundaryPanel::new(map, theme), frame.area()))
            .expect("draw");
        terminal
    }

    /// The cell where (x1, x2) is drawn in a `width × height` panel over RANGE.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a point inside the range lands on a cell of the panel"
    )]
    fn cell_of(x1: f32, x2: f32, width: u16, height: u16) -> (u16, u16) {
        let (cols, rows) = BoundaryPanel::grid_size(Rect::new(0, 0, width, height));
        let span = RANGE.1 - RANGE.0;
        let col = ((x1 - RANGE.0) / span * cols as f32) as u16;
        let row = ((RANGE.1 - x2) / span * rows as f32) as u16;
        (1 + col, 2 + row / 2)
    }

    /// The map's colours as letters, two lines per terminal row (the upper samples, then the
    /// lower): `a`–`d` orange from unsure to sure, `A`–`D` blue, `-` the grey band; points as
    /// their marks.
    #[expect(clippy::cast_possible_truncation, reason = "a ramp has four colours")]
    fn colours(buffer: &Buffer) -> String {
        let letter = |colour: Color| {
            let find = |ramp: &[Color; 4]| ramp.iter().position(|&c| c == colour);
            match (find(&ORANGE), find(&BLUE)) {
                (Some(i), _) => char::from(b'a' + i as u8),
                (_, Some(i)) => char::from(b'A' + i as u8),
                _ if colour == UNSURE => '-',
                _ => '?',
            }
        };
        let area = buffer.area;
        let mut lines = Vec::new();
        for y in 2..area.bottom() - 1 {
            let cells: Vec<_> = (1..area.right() - 1).map(|x| &buffer[(x, y)]).collect();
            for upper in [true, false] {
                lines.push(
                    cells
                        .iter()
                        .map(|cell| match cell.symbol() {
                            "▀" => letter(if upper { cell.fg } else { cell.bg }),
                            mark => mark.chars().next().unwrap_or('?'),
                        })
                        .collect::<String>(),
                );
            }
        }
        lines.join("\n")
    }

    #[test]
    fn grid_size_fills_the_panel_inside_border_and_legend() {
        assert_eq!(BoundaryPanel::grid_size(Rect::new(3, 4, 32, 12)), (30, 18));
        // No legend when the map would be too short.
        assert_eq!(BoundaryPanel::grid_size(Rect::new(0, 0, 8, 4)), (6, 4));
        assert_eq!(BoundaryPanel::grid_size(Rect::new(0, 0, 2, 2)), (0, 0));
        assert_eq!(BoundaryPanel::grid_size(Rect::default()), (0, 0));
    }

    #[test]
    fn circle_boundary_in_colour() {
        let (width, height) = (40, 14);
        let (cols, rows) = BoundaryPanel::grid_size(Rect::new(0, 0, width, height));
        let map = circle_map(cols, rows);
        let terminal = draw(&map, true, width, height);
        let buffer = terminal.backend().buffer();
        // Sure of class 1 in the middle, of class 0 in the corners, unsure in between.
        let (x, y) = cell_of(-0.05, -0.1, width, height);
        assert_eq!(buffer[(x, y)].symbol(), "▀");
        assert_eq!(buffer[(x, y)].fg, BLUE[3]);
        assert_eq!(buffer[(1, 2)].fg, ORANGE[3]);
        assert_eq!(buffer[(1, 2)].bg, ORANGE[3]);
        assert!(buffer.content.iter().any(|c| c.bg == UNSURE));
        // Points in their class's colour, on the map's colour where they lie.
        let (x, y) = cell_of(0.0, 0.0, width, height);
        assert_eq!(buffer[(x, y)].symbol(), "●");
        assert_eq!(buffer[(x, y)].fg, POINT_COLOURS[1]);
        assert_eq!(buffer[(x, y)].bg, BLUE[3]);
        let (x, y) = cell_of(0.9, 0.9, width, height);
        assert_eq!(buffer[(x, y)].symbol(), "○");
        assert_eq!(buffer[(x, y)].fg, POINT_COLOURS[0]);
        assert_eq!(buffer[(x, y)].bg, ORANGE[3]);
        let marks = buffer
            .content
            .iter()
            .filter(|c| POINT_MARKS.contains(&c.symbol()))
            .count();
        assert_eq!(marks, 8 + 2, "8 points and the legend's two");
        assert_snapshot!(terminal.backend());
        assert_snapshot!("circle_boundary_colours", colours(buffer));
    }

    #[test]
    fn circle_boundary_without_colour() {
        let (width, height) = (40, 14);
        let (cols, rows) = BoundaryPanel::grid_size(Rect::new(0, 0, width, height));
        let terminal = draw(&circle_map(cols, rows), false, width, height);
        let buffer = terminal.backend().buffer();
        for cell in &buffer.content {
            assert!(
                cell.fg == Color::Reset && cell.bg == Color::Reset,
                "NO_COLOR panel uses a colour: {cell:?}"
            );
        }
        let (x, y) = cell_of(-0.05, -0.1, width, height);
        assert_eq!(buffer[(x, y)].symbol(), "█");
        assert_eq!(buffer[(1, 2)].symbol(), " ");
        let (x, y) = cell_of(0.1, 0.3, width, height);
        assert_eq!(buffer[(x, y)].symbol(), "o");
        assert_snapshot!(terminal.backend());
    }

    #[test]
    fn tiny_panel_drops_the_legend() {
        let (cols, rows) = BoundaryPanel::grid_size(Rect::new(0, 0, 10, 4));
        let terminal = draw(&circle_map(cols, rows), false, 10, 4);
        assert_snapshot!(terminal.backend());
    }

    #[test]
    fn a_map_of_another_size_is_sampled_nearest() {
        // Class 0 on the left half of the top row, class 1 elsewhere.
        let map = BoundaryMap {
            cols: 2,
            rows: 2,
            probs: vec![0.0, 1.0, 1.0, 1.0],
            x_range: RANGE,
            y_range: RANGE,
            points: Vec::new(),
        };
        let terminal = draw(&map, true, 12, 7);
        let buffer = terminal.backend().buffer();
        // The map is 10 × 4 cells, 8 samples high, at (1, 2).
        for y in 2..6 {
            for x in 1..11 {
                let (fg, bg) = (buffer[(x, y)].fg, buffer[(x, y)].bg);
                let left = x < 6;
                let expect = |top: bool| if left && top { ORANGE[3] } else { BLUE[3] };
                assert_eq!((fg, bg), (expect(y < 4), expect(y < 4)), "({x}, {y})");
            }
        }
    }

    #[test]
    fn an_empty_map_says_so() {
        let terminal = draw(&BoundaryMap::default(), true, 30, 6);
        let screen = format!("{}", terminal.backend());
        assert!(screen.contains("no prediction yet"), "{screen}");
    }

    #[test]
    fn no_size_or_map_panics() {
        let mut nan = circle_map(7, 5);
        nan.probs.iter_mut().step_by(3).for_each(|p| *p = f32::NAN);
        nan.x_range = (f32::NAN, 1.0);
        let short = BoundaryMap {
            probs: vec![0.5; 3],
            ..circle_map(7, 5)
        };
        let backwards = BoundaryMap {
            x_range: (1.0, -1.0),
            y_range: (0.0, 0.0),
            ..circle_map(3, 3)
        };
        let maps = [
            circle_map(30, 18),
            circle_map(1, 1),
            BoundaryMap::default(),
            nan,
            short,
            backwards,
        ];
        for map in &maps {
            for color in [true, false] {
                let theme = Theme::new(color);
                for width in 0..=20 {
                    for height in 0..=8 {
                        let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
                        BoundaryPanel::new(map, theme).render(buffer.area, &mut buffer);
                    }
                }
                // Offset, and larger than the buffer.
                let mut buffer = Buffer::empty(Rect::new(3, 2, 20, 10));
                BoundaryPanel::new(map, theme).render(Rect::new(5, 4, 40, 30), &mut buffer);
            }
        }
    }

    #[test]
    fn colours_run_from_orange_through_grey_to_blue() {
        assert_eq!(colour_of(0.0), ORANGE[3]);
        assert_eq!(colour_of(0.25), ORANGE[1]);
        assert_eq!(colour_of(0.5), UNSURE);
        assert_eq!(colour_of(f32::NAN), UNSURE);
        assert_eq!(colour_of(0.75), BLUE[1]);
        assert_eq!(colour_of(1.0), BLUE[3]);
        assert_eq!(
            [0.0, 0.3, 0.5, 0.7, 1.0].map(shade_of),
            [" ", "░", "▒", "▓", "█"]
        );
    }
}
