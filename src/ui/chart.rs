//! The loss chart: train and validation loss against epoch for the current run and, dimmed, the
//! earlier ones. Drawn from each run's bounded history, thinned to about two points per braille
//! dot column, so a frame costs O(chart width) whatever the number of epochs.

use super::race_panel;
use super::theme::Theme;
use super::{fmt_num, lr_text};
use crate::app::App;
use crate::app::history::{Point, Smoothing};
use crate::app::race_view::{RaceCurve, RaceView};
use crate::app::run::RunView;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Line as Segment, Points};
use ratatui::widgets::{Block, Widget};

/// One run's thinned series, in chart coordinates (y already log10 when the axis is).
struct Series {
    train: Vec<Option<(f64, f64)>>,
    valid: Vec<Option<(f64, f64)>>,
}

/// Maps data coordinates to cells of the graph area, as the canvas does.
#[derive(Clone, Copy)]
struct Frame {
    area: Rect,
    x: [f64; 2],
    y: [f64; 2],
}

impl Frame {
    fn cell(self, x: f64, y: f64) -> Option<(u16, u16)> {
        if !(self.x[0]..=self.x[1]).contains(&x) || !(self.y[0]..=self.y[1]).contains(&y) {
            return None;
        }
        let w = f64::from(self.area.width.saturating_sub(1));
        let h = f64::from(self.area.height.saturating_sub(1));
        let fx = (x - self.x[0]) / (self.x[1] - self.x[0]);
        let fy = (self.y[1] - y) / (self.y[1] - self.y[0]);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a point within the bounds lands within the area"
        )]
        let (col, row) = ((fx * w).round() as u16, (fy * h).round() as u16);
        Some((self.area.x + col, self.area.y + row))
    }
}

/// Draws the loss chart; returns its graph's area and the epochs from its left edge to its
/// right, for the mouse.
pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) -> Option<(Rect, [f64; 2])> {
    let chart = &app.screen.chart;
    let block = block(app, theme);
    let inner = block.inner(area);
    block.render(area, buf);

    let Some(current) = app.current() else {
        line(
            buf,
            inner,
            0,
            &Line::styled("waiting for the first epoch…", theme.dim()),
        );
        return None;
    };
    // Runs whose curves the run table hid are left out, the current one too.
    let shown = app.shown_runs();
    let current_shown = app.curve_shown(current.id());
    let race = app.shown_race();
    let runs_rows = render_legend(current, current_shown, &shown, inner, buf, theme);
    let legend_rows = runs_rows
        + race.map_or(0, |race| {
            line(buf, inner, runs_rows, &race_legend(race, theme));
            1
        });
    // Layout inside the block: legend, graph, x axis, x labels.
    let graph_rows = inner.height.saturating_sub(legend_rows + 2);
    if graph_rows < 2 || inner.width < 16 {
        return None;
    }

    let raced = race.map_or(0, RaceView::epochs_done);
    let x_max = shown
        .iter()
        .map(|r| r.epoch())
        .max()
        .unwrap_or(0)
        .max(raced)
        .max(2);
    let x = x_window(chart.cursor.filter(|_| chart.zoom), x_max);
    // Thin to ~2 points per braille dot column; the width is known once the y labels are.
    let columns = usize::from(inner.width) * 2;
    let series: Vec<Series> = shown
        .iter()
        .map(|run| series(run, chart.smoothing, chart.log_y, columns))
        .collect();
    let variants: Vec<Series> = race.map_or_else(Vec::new, |race| {
        let curves = race.curves.iter();
        curves.map(|c| race_series(c, chart.log_y)).collect()
    });
    let y = y_bounds(series.iter().chain(&variants));
    let labels = [y[1], f64::midpoint(y[0], y[1]), y[0]].map(|v| {
        if chart.log_y {
            fmt_num(10f64.powf(v))
        } else {
            fmt_num(v)
        }
    });
    let label_width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);
    let label_width = u16::try_from(label_width).unwrap_or(8);

    let top = inner.y + legend_rows;
    let axis_col = inner.x + label_width;
    let graph = Rect {
        x: axis_col + 1,
        y: top,
        width: inner.right().saturating_sub(axis_col + 1),
        height: graph_rows,
    };
    if graph.width < 4 {
        return None;
    }
    let frame = Frame { area: graph, x, y };

    draw_axes(buf, inner, frame, &labels, label_width);

    // Earlier runs first, dimmed, so the current run is drawn on top.
    let (earlier, now) = if current_shown {
        series.split_at(series.len().saturating_sub(1))
    } else {
        (&series[..], &[][..])
    };
    for s in earlier {
        draw(buf, frame, &s.train, Marker::Braille, theme.earlier());
        draw(buf, frame, &s.valid, Marker::Braille, theme.earlier());
    }
    for (run, s) in shown.iter().zip(earlier) {
        // Name each earlier curve at its end, where the legend can be matched to it.
        if let Some(&(px, py)) = s.train.iter().rev().flatten().next()
            && let Some((col, row)) = frame.cell(px, py)
        {
            let label = format!("#{}", run.id());
            let width = u16::try_from(label.len()).unwrap_or(u16::MAX);
            let col = col.min(graph.right().saturating_sub(width));
            put_if_blank(buf, graph, col, row, &label, theme.earlier());
        }
    }
    if let Some(s) = now.first() {
        draw(buf, frame, &s.train, Marker::Braille, theme.train());
        let valid_marker = if theme.color {
            Marker::Braille
        } else {
            Marker::Dot
        };
        draw(buf, frame, &s.valid, valid_marker, theme.valid());
        mark(buf, frame, current, s, theme);
    }
    draw_race(buf, frame, &variants, theme);
    mark_cursor(buf, frame, chart.cursor, theme);
    Some((graph, x))
}

/// The chart's frame: its title (with the axis options) and the current run's problem, if any.
fn block(app: &App, theme: Theme) -> Block<'static> {
    let chart = &app.screen.chart;
    let mut title = vec![Span::styled(" Loss ", theme.title())];
    let mut options = Vec::new();
    if chart.log_y {
        options.push("log y".to_string());
    }
    if let Some(w) = chart.smoothing.weight() {
        options.push(format!("smoothed {w}"));
    }
    if !options.is_empty() {
        title.push(Span::raw(format!("({}) ", options.join(", "))));
    }
    let mut block = Block::bordered().title(Line::from(title));
    if let Some(problem) = app.current().and_then(RunView::problem) {
        block = block.title_top(
            Line::styled(format!(" {} ", problem.describe()), theme.error()).right_aligned(),
        );
    }
    block
}

/// The current run's learning-rate changes, divergence, best validation epoch and events.
fn mark(buf: &mut Buffer, frame: Frame, run: &RunView, s: &Series, theme: Theme) {
    mark_lr_changes(buf, frame, run, theme);
    mark_divergence(buf, frame, run, s, theme);
    mark_best_valid(buf, frame, run, s, theme);
    mark_events(buf, frame, run, s, theme);
}

/// The validation loss is marked at its best epoch once it has risen over this share above
/// it: before that the best is the latest, and a mark would only crowd the curve's end.
const BEST_SHOWN_ABOVE: f32 = 0.01;

/// `◆ best` on the validation curve at its lowest point, once the curve has left it.
fn mark_best_valid(buf: &mut Buffer, frame: Frame, run: &RunView, s: &Series, theme: Theme) {
    let (Some((epoch, best)), Some(last)) = (run.best_valid, run.last()) else {
        return;
    };
    if last.valid_loss.is_nan() || last.valid_loss <= best * (1.0 + BEST_SHOWN_ABOVE) {
        return;
    }
    let x = epoch as f64;
    let y = s
        .valid
        .iter()
        .flatten()
        .min_by(|a, b| (a.0 - x).abs().total_cmp(&(b.0 - x).abs()))
        .map_or(frame.y[0], |&(_, y)| y);
    let Some((col, row)) = frame.cell(x, y) else {
        return;
    };
    buf[(col, row)].set_symbol("◆").set_style(theme.valid());
    let label = format!(" best {epoch}");
    let width = u16::try_from(label.len()).unwrap_or(0);
    if row + 1 < frame.area.bottom() && col + width < frame.area.right() {
        buf.set_string(col, row + 1, &label, theme.valid());
    }
}

/// A run's first epochs are spread over at least this many epochs of the axis, so that lr
/// 20's first five are not squeezed into the first columns.
pub const MIN_SPAN: usize = 30;
/// Epochs each side of the cursor when zoomed (`z`).
pub const ZOOM_HALF: usize = 25;

/// The epochs on the x axis: from 1 to the last (at least [`MIN_SPAN`]), or around the cursor
/// when zoomed.
fn x_window(zoomed_at: Option<usize>, x_max: usize) -> [f64; 2] {
    match zoomed_at {
        Some(at) => {
            let low = at.saturating_sub(ZOOM_HALF).max(1);
            [low as f64, (low + 2 * ZOOM_HALF) as f64]
        }
        None => [1.0, x_max.max(MIN_SPAN) as f64],
    }
}

/// `▲` above the training curve at each event's epoch (the latest events when many).
fn mark_events(buf: &mut Buffer, frame: Frame, run: &RunView, s: &Series, theme: Theme) {
    for event in run.events.iter().rev().take(16) {
        let x = event.epoch as f64;
        let y = s
            .train
            .iter()
            .flatten()
            .min_by(|a, b| (a.0 - x).abs().total_cmp(&(b.0 - x).abs()))
            .map_or(frame.y[1], |&(_, y)| y);
        if let Some((col, row)) = frame.cell(x, y) {
            let row = row.saturating_sub(1).max(frame.area.y);
            buf[(col, row)].set_symbol("▲").set_style(theme.error());
        }
    }
}

/// A vertical line at the cursor's epoch.
fn mark_cursor(buf: &mut Buffer, frame: Frame, epoch: Option<usize>, theme: Theme) {
    let Some((col, _)) = epoch.and_then(|e| frame.cell(e as f64, frame.y[0])) else {
        return;
    };
    for row in frame.area.top()..frame.area.bottom() {
        if buf[(col, row)].symbol() == " " {
            buf[(col, row)].set_symbol("│").set_style(theme.mark());
        }
    }
}

/// The y axis with its three labels (top, middle, bottom), the x axis over the frame's epochs.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the bounds are whole epochs from 1"
)]
fn draw_axes(buf: &mut Buffer, inner: Rect, frame: Frame, labels: &[String; 3], label_width: u16) {
    let (x_min, x_max) = (frame.x[0] as usize, frame.x[1] as usize);
    let graph = frame.area;
    let axis_col = graph.x - 1;
    for row in graph.top()..graph.bottom() {
        buf[(axis_col, row)].set_symbol("│");
    }
    let axis_row = graph.bottom();
    buf[(axis_col, axis_row)].set_symbol("└");
    for col in graph.left()..graph.right() {
        buf[(col, axis_row)].set_symbol("─");
    }
    for (i, label) in labels.iter().enumerate() {
        let row = match i {
            0 => graph.top(),
            1 => graph.top() + (graph.height - 1) / 2,
            _ => graph.bottom() - 1,
        };
        let pad = usize::from(label_width).saturating_sub(label.chars().count());
        buf.set_string(
            inner.x + u16::try_from(pad).unwrap_or(0),
            row,
            label,
            Style::new(),
        );
        buf[(axis_col, row)].set_symbol("┤");
    }
    let label_row = axis_row + 1;
    buf.set_string(graph.x, label_row, x_min.to_string(), Style::new());
    let last = x_max.to_string();
    let last_width = u16::try_from(last.len()).unwrap_or(0);
    buf.set_string(
        graph.right().saturating_sub(last_width),
        label_row,
        &last,
        Style::new(),
    );
    let name = "epoch";
    buf.set_string(
        graph.x + graph.width.saturating_sub(5) / 2,
        label_row,
        name,
        Style::new(),
    );
}

/// Legend rows: the current run's series and settings; then the earlier runs shown, dimmed.
fn render_legend(
    current: &RunView,
    current_shown: bool,
    shown: &[&RunView],
    inner: Rect,
    buf: &mut Buffer,
    theme: Theme,
) -> u16 {
    let valid_sample = if theme.color { "⠒⠒" } else { "••" };
    let about = format!(
        "#{} {} hidden {}",
        current.id(),
        lr_text(current),
        current.info.settings.hidden_sizes()
    );
    let spans = if current_shown {
        let mut spans = vec![
            Span::styled("⠒⠒", theme.train()),
            Span::raw(" train  "),
            Span::styled(valid_sample, theme.valid()),
            Span::raw(" valid  "),
            Span::raw(about),
        ];
        if !current.lr_changes.is_empty() {
            spans.push(Span::styled("  ┆ lr change", theme.mark()));
        }
        spans
    } else {
        vec![Span::styled(
            format!("{about}: curve hidden (T, Enter shows it)"),
            theme.dim(),
        )]
    };
    line(buf, inner, 0, &Line::from(spans));
    let earlier: Vec<String> = shown
        .iter()
        .rev()
        .filter(|run| run.id() != current.id())
        .map(|run| {
            format!(
                "#{} {} h {}",
                run.id(),
                lr_text(run),
                run.info.settings.hidden_sizes()
            )
        })
        .collect();
    if earlier.is_empty() {
        return 1;
    }
    let text = format!("dim: {}", earlier.join(" · "));
    line(buf, inner, 1, &Line::styled(text, theme.earlier()));
    2
}

fn line(buf: &mut Buffer, inner: Rect, row: u16, line: &Line) {
    if row < inner.height {
        buf.set_line(inner.x, inner.y + row, line, inner.width);
    }
}

/// A race's variants' training curves, over the runs', each lettered at its end as the legend
/// and the race's panel letter it.
fn draw_race(buf: &mut Buffer, frame: Frame, variants: &[Series], theme: Theme) {
    for (i, s) in variants.iter().enumerate() {
        draw(buf, frame, &s.train, Marker::Braille, theme.variant(i));
        if let Some(&(px, py)) = s.train.iter().rev().flatten().next()
            && let Some((col, row)) = frame.cell(px, py)
        {
            let col = col.min(frame.area.right().saturating_sub(1));
            let letter = race_panel::letter(i).to_string();
            buf.set_string(col, row, letter, theme.variant(i).bold());
        }
    }
}

/// `race optimizer: a sgd  b adam`, each letter in its curve's style.
fn race_legend(race: &RaceView, theme: Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(format!("race {}: ", race.key().unwrap_or("")))];
    for i in 0..race.names.len() {
        spans.push(Span::styled(
            race_panel::letter(i).to_string(),
            theme.variant(i).bold(),
        ));
        spans.push(Span::raw(format!(" {}  ", race.value(i))));
    }
    Line::from(spans)
}

/// A race variant's training losses as a series (its curve is thinned as it comes).
fn race_series(curve: &RaceCurve, log_y: bool) -> Series {
    let train = curve
        .points()
        .iter()
        .map(|&(epoch, [train, _])| {
            let v = f64::from(train);
            let v = if log_y { v.log10() } else { v };
            v.is_finite().then_some((epoch as f64, v))
        })
        .collect();
    Series {
        train,
        valid: Vec::new(),
    }
}

/// A run's points thinned to at most about `columns` per series; non-finite (and, on a log
/// axis, non-positive) values become gaps.
fn series(run: &RunView, smoothing: Smoothing, log_y: bool, columns: usize) -> Series {
    let kept = run.history.kept();
    let stride = kept.div_ceil(columns.max(1)).max(1);
    let last_epoch = run.epoch();
    let transform = |v: f32| {
        let v = f64::from(v);
        let v = if log_y { v.log10() } else { v };
        v.is_finite().then_some(v)
    };
    let mut train = Vec::with_capacity(columns + 1);
    let mut valid = Vec::with_capacity(columns + 1);
    let mut keep = |p: &Point| {
        let x = p.epoch as f64;
        train.push(transform(p.train(smoothing)).map(|y| (x, y)));
        valid.push(transform(p.valid(smoothing)).map(|y| (x, y)));
    };
    for (i, p) in run.history.points().enumerate() {
        // A non-finite point is always kept so that thinning cannot hide a divergence.
        if i % stride == 0 || p.epoch == last_epoch || !p.train_loss.is_finite() {
            keep(p);
        }
    }
    Series { train, valid }
}

fn y_bounds<'a>(series: impl IntoIterator<Item = &'a Series>) -> [f64; 2] {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for s in series {
        for &(_, y) in s.train.iter().chain(&s.valid).flatten() {
            lo = lo.min(y);
            hi = hi.max(y);
        }
    }
    if !lo.is_finite() || !hi.is_finite() {
        return [0.0, 1.0];
    }
    if hi - lo < 1e-9 {
        let pad = (hi.abs() * 0.1).max(1e-3);
        return [lo - pad, hi + pad];
    }
    [lo, hi]
}

/// Draws one series with the canvas onto a scratch buffer, then copies its non-blank cells
/// with `style`: canvas cells carry only a colour, and `NO_COLOR` needs modifiers.
fn draw(
    buf: &mut Buffer,
    frame: Frame,
    points: &[Option<(f64, f64)>],
    marker: Marker,
    style: Style,
) {
    let area = frame.area;
    let scratch_area = Rect::new(0, 0, area.width, area.height);
    let mut scratch = Buffer::empty(scratch_area);
    let coords: Vec<(f64, f64)> = points.iter().flatten().copied().collect();
    Canvas::default()
        .marker(marker)
        .x_bounds(frame.x)
        .y_bounds(frame.y)
        .paint(|ctx| {
            ctx.draw(&Points {
                coords: &coords,
                color: ratatui::style::Color::Reset,
            });
            for pair in points.windows(2) {
                if let [Some((x1, y1)), Some((x2, y2))] = *pair {
                    ctx.draw(&Segment {
                        x1,
                        y1,
                        x2,
                        y2,
                        color: ratatui::style::Color::Reset,
                    });
                }
            }
        })
        .render(scratch_area, &mut scratch);
    for row in 0..area.height {
        for col in 0..area.width {
            let symbol = scratch[(col, row)].symbol();
            if symbol != " " && symbol != "\u{2800}" {
                let symbol = symbol.to_string();
                buf[(area.x + col, area.y + row)]
                    .set_symbol(&symbol)
                    .set_style(Style::reset().patch(style));
            }
        }
    }
}

fn put_if_blank(buf: &mut Buffer, graph: Rect, col: u16, row: u16, text: &str, style: Style) {
    let width = u16::try_from(text.chars().count()).unwrap_or(u16::MAX);
    if col < graph.x || col.saturating_add(width) > graph.right() || row >= graph.bottom() {
        return;
    }
    let blank = (col..col + width).all(|c| buf[(c, row)].symbol() == " ");
    if blank {
        buf.set_string(col, row, text, style);
    }
}

/// A dotted vertical line where the learning rate changed, labelled at the top.
fn mark_lr_changes(buf: &mut Buffer, frame: Frame, run: &RunView, theme: Theme) {
    let graph = frame.area;
    for &(epoch, lr) in &run.lr_changes {
        let Some((col, _)) = frame.cell(epoch as f64, frame.y[0]) else {
            continue;
        };
        for row in graph.top()..graph.bottom() {
            if buf[(col, row)].symbol() == " " {
                buf[(col, row)].set_symbol("┆").set_style(theme.mark());
            }
        }
        let label = format!("lr {lr}");
        let width = u16::try_from(label.len()).unwrap_or(0);
        let at = col
            .saturating_add(1)
            .min(graph.right().saturating_sub(width));
        buf.set_string(at, graph.top(), &label, theme.mark());
    }
}

/// `×` where the training loss stopped being a number, at the last finite value's height.
fn mark_divergence(buf: &mut Buffer, frame: Frame, run: &RunView, s: &Series, theme: Theme) {
    let Some(epoch) = run.diverged_at() else {
        return;
    };
    let x = epoch as f64;
    let y = s
        .train
        .iter()
        .flatten()
        .take_while(|(px, _)| *px < x)
        .last()
        .map_or(frame.y[1], |&(_, y)| y);
    let Some((col, row)) = frame.cell(x, y) else {
        return;
    };
    buf[(col, row)].set_symbol("×").set_style(theme.error());
    let label = format!(" NaN at {epoch}");
    let width = u16::try_from(label.len()).unwrap_or(0);
    if col + 1 + width <= frame.area.right() {
        buf.set_string(col + 1, row, &label, theme.error());
    } else if col >= frame.area.x + width {
        buf.set_string(col - width, row, &label, theme.error());
    }
}
