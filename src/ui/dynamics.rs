//! The dynamics view (key `2`): why a run converges or diverges.
//!
//! ```text
//! ┌ Update:data ratio ‖lr·grad‖/‖w‖ (log10) ┐┌ Where this step lands ─────┐
//! │ one line per tensor, a guide at −3      ││ L(w − t·grad), t = 0…3·lr  │
//! └─────────────────────────────────────────┘│ lr and the best t marked   │
//! ┌ Gradient norm ‖grad‖ (log10) ───────────┐└────────────────────────────┘
//! │ one line per tensor                     │┌ LR finder ─────────────────┐
//! └─────────────────────────────────────────┘│ smoothed loss vs lr (log)  │
//!                                            └────────────────────────────┘
//! ```

use super::Regions;
use super::theme::Theme;
use crate::app::App;
use crate::app::dynamics::{FinderStatus, FinderView};
use crate::app::mouse::Panel;
use crate::app::run::RunView;
use crate::report::dynamics::StepSlice;
use crate::report::format_lr;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph, Widget, Wrap};

/// The update ratio Karpathy's rule of thumb calls healthy: about 10^-3.
const HEALTHY_LOG_RATIO: f64 = -3.0;

pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme, regions: &mut Regions) {
    let side = (area.width * 2 / 5).clamp(36, 64);
    let [left, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(side)]).areas(area);
    let [ratio_area, grad_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(left);
    let [slice_area, finder_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(right);
    let run = app.current();
    render_stats(run, true, app.screen.chart.cursor, ratio_area, buf, theme);
    render_stats(run, false, app.screen.chart.cursor, grad_area, buf, theme);
    render_slice(app.shown_slice(), slice_area, buf, theme);
    render_finder(app.reported.finder.as_ref(), finder_area, buf, theme);
    for (area, panel) in [
        (ratio_area, Panel::Ratios),
        (grad_area, Panel::Gradients),
        (slice_area, Panel::Slice),
        (finder_area, Panel::Finder),
    ] {
        regions.panel(area, panel);
    }
}

/// A colour per tensor (hue with colour, the same default without: the names tell them apart).
fn tensor_style(index: usize, theme: Theme) -> Style {
    const COLORS: [Color; 5] = [
        Color::Cyan,
        Color::Yellow,
        Color::Magenta,
        Color::Green,
        Color::Blue,
    ];
    if theme.color {
        Style::new().fg(COLORS[index % COLORS.len()])
    } else {
        Style::new()
    }
}

fn log10(v: f32) -> Option<f64> {
    let v = f64::from(v).log10();
    v.is_finite().then_some(v)
}

fn bounds(values: impl Iterator<Item = f64>, include: &[f64]) -> [f64; 2] {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.chain(include.iter().copied()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return [0.0, 1.0];
    }
    if hi - lo < 1e-9 {
        return [lo - 0.5, hi + 0.5];
    }
    [lo, hi]
}

/// Losses with enough decimals that the three labels of a narrow range differ.
fn loss_label(range: [f64; 2]) -> impl Fn(f64) -> String {
    let span = (range[1] - range[0]).abs().max(1e-12);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a small count of decimals"
    )]
    let decimals = (2.0 - span.log10()).ceil().clamp(3.0, 8.0) as usize;
    move |v| format!("{v:.decimals$}")
}

fn labels(b: [f64; 2], fmt: impl Fn(f64) -> String) -> Vec<Line<'static>> {
    vec![
        Line::from(fmt(b[0])),
        Line::from(fmt(f64::midpoint(b[0], b[1]))),
        Line::from(fmt(b[1])),
    ]
}

fn empty(block: Block, text: &str, area: Rect, buf: &mut Buffer, theme: Theme) {
    Paragraph::new(Line::styled(text.to_string(), theme.dim()))
        .wrap(Wrap { trim: true })
        .block(block)
        .render(area, buf);
}

/// Update ratios (`ratios`) or gradient norms per tensor against epoch, log10.
fn render_stats(
    run: Option<&RunView>,
    ratios: bool,
    cursor: Option<usize>,
    area: Rect,
    buf: &mut Buffer,
    theme: Theme,
) {
    let title = if ratios {
        " Update:data ratio ‖lr·grad‖/‖w‖ (log10, guide at −3) "
    } else {
        " Gradient norm ‖grad‖ (log10) "
    };
    let block = Block::bordered().title(Line::styled(title, theme.title()));
    let Some(run) = run.filter(|r| !r.stats.points().is_empty()) else {
        empty(block, "waiting for the first gradients…", area, buf, theme);
        return;
    };
    let names = run.tensor_names();
    let points = run.stats.points();
    let series: Vec<Vec<(f64, f64)>> = (0..names.len())
        .map(|t| {
            points
                .iter()
                .filter_map(|(epoch, stats)| {
                    let values = if ratios {
                        &stats.update_ratio
                    } else {
                        &stats.grad_norm
                    };
                    let y = log10(*values.get(t)?)?;
                    Some((*epoch as f64, y))
                })
                .collect()
        })
        .collect();
    let first = points.first().map_or(1, |p| p.0);
    let last = points.last().map_or(1, |p| p.0).max(first + 1);
    let x = [first as f64, last as f64];
    let guide = if ratios {
        vec![HEALTHY_LOG_RATIO]
    } else {
        vec![]
    };
    let y = bounds(series.iter().flatten().map(|p| p.1), &guide);
    let guide_line = [(x[0], HEALTHY_LOG_RATIO), (x[1], HEALTHY_LOG_RATIO)];
    let cursor_line = cursor.map(|c| [(c as f64, y[0]), (c as f64, y[1])]);
    let mut datasets: Vec<Dataset> = series
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(i, (data, name))| {
            Dataset::default()
                .name(name.clone())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(tensor_style(i, theme))
                .data(data)
        })
        .collect();
    if ratios {
        datasets.push(
            Dataset::default()
                .marker(Marker::Dot)
                .graph_type(GraphType::Line)
                .style(theme.dim())
                .data(&guide_line),
        );
    }
    if let Some(line) = &cursor_line {
        datasets.push(
            Dataset::default()
                .marker(Marker::Dot)
                .graph_type(GraphType::Line)
                .style(theme.mark())
                .data(line),
        );
    }
    Chart::new(datasets)
        .block(block)
        .x_axis(Axis::default().bounds(x).labels(vec![
            Line::from(first.to_string()),
            Line::from("epoch"),
            Line::from(last.to_string()),
        ]))
        .y_axis(
            Axis::default()
                .bounds(y)
                .labels(labels(y, |v| format!("{v:.1}"))),
        )
        .legend_position(Some(ratatui::widgets::LegendPosition::TopRight))
        .hidden_legend_constraints((Constraint::Percentage(60), Constraint::Percentage(60)))
        .render(area, buf);
}

/// L(w − t·grad) against t, with t = lr and the best t marked and named.
fn render_slice(slice: Option<&StepSlice>, area: Rect, buf: &mut Buffer, theme: Theme) {
    let block = Block::bordered().title(Line::styled(" Where this step lands ", theme.title()));
    let Some(slice) = slice else {
        empty(block, "waiting for the first snapshot…", area, buf, theme);
        return;
    };
    let sampled = slice
        .sampled
        .map_or(String::new(), |rows| format!(" (on {rows} sampled rows)"));
    let block = block.title_bottom(Line::styled(
        format!(" after epoch {}{sampled} ", slice.epoch),
        theme.dim(),
    ));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height < 4 {
        return;
    }
    let [verdict_area, chart_area] =
        Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(inner);
    Paragraph::new(Line::from(slice.verdict()))
        .wrap(Wrap { trim: true })
        .render(verdict_area, buf);
    let curve: Vec<(f64, f64)> = slice
        .points
        .iter()
        .filter(|p| p.1.is_finite())
        .map(|&(t, l)| (t, f64::from(l)))
        .collect();
    let (t_best, best) = slice.best();
    let x = [0.0, slice.points.last().map_or(1.0, |p| p.0).max(1e-9)];
    let y = bounds(curve.iter().map(|p| p.1), &[]);
    let at_lr = [(slice.lr, f64::from(slice.at_lr))];
    let best_point = [(t_best, f64::from(best))];
    let datasets = vec![
        Dataset::default()
            .name("loss")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.train())
            .data(&curve),
        Dataset::default()
            .name(format!("t = lr {}", format_lr(slice.lr)))
            .marker(Marker::Block)
            .graph_type(GraphType::Scatter)
            .style(theme.error())
            .data(&at_lr),
        Dataset::default()
            .name(format!("best t {}", format_lr(t_best)))
            .marker(Marker::Block)
            .graph_type(GraphType::Scatter)
            .style(theme.good())
            .data(&best_point),
    ];
    Chart::new(datasets)
        .x_axis(Axis::default().bounds(x).labels(vec![
            Line::from("0"),
            Line::from("t"),
            Line::from(format_lr(x[1])),
        ]))
        .y_axis(Axis::default().bounds(y).labels(labels(y, loss_label(y))))
        .legend_position(Some(ratatui::widgets::LegendPosition::TopRight))
        .hidden_legend_constraints((Constraint::Percentage(70), Constraint::Percentage(70)))
        .render(chart_area, buf);
}

/// The finder's smoothed loss against lr (log10), its suggestions named below.
fn render_finder(finder: Option<&FinderView>, area: Rect, buf: &mut Buffer, theme: Theme) {
    let block = Block::bordered().title(Line::styled(" LR finder ", theme.title()));
    let Some(finder) = finder else {
        empty(
            block,
            "F runs fastai's learning-rate finder from this run's start: one full-batch step per rate, 0.001 to 1000",
            area,
            buf,
            theme,
        );
        return;
    };
    let status = match &finder.status {
        FinderStatus::Running => format!("step {} of {}…", finder.steps.len(), finder.spec.steps),
        FinderStatus::Done(found) => {
            let s = &found.suggestions;
            let rate = |lr: Option<f64>| lr.map_or_else(|| "-".into(), format_lr);
            format!(
                "valley {} · steep {} · min/10 {}",
                rate(s.valley),
                rate(s.steep),
                rate(s.minimum)
            )
        }
        FinderStatus::Cancelled => "cancelled".into(),
        FinderStatus::Failed(why) => format!("failed: {why}"),
    };
    let block = block.title_bottom(Line::styled(format!(" {status} "), theme.dim()));
    let curve: Vec<(f64, f64)> = finder
        .steps
        .iter()
        .filter(|s| s.smoothed.is_finite())
        .map(|s| (s.lr.log10(), f64::from(s.smoothed)))
        .collect();
    if curve.is_empty() {
        empty(block, "starting…", area, buf, theme);
        return;
    }
    let x = [finder.spec.range.from.log10(), finder.spec.range.to.log10()];
    let y = bounds(curve.iter().map(|p| p.1), &[]);
    // Each suggestion at the step nearest its rate: valley, steep, minimum/10.
    let suggestions = match &finder.status {
        FinderStatus::Done(found) => [
            found.suggestions.valley,
            found.suggestions.steep,
            found.suggestions.minimum,
        ],
        _ => [None; 3],
    };
    let mark = |lr: Option<f64>| -> Vec<(f64, f64)> {
        lr.and_then(|lr| {
            let at = finder
                .steps
                .iter()
                .min_by(|a, b| (a.lr - lr).abs().total_cmp(&(b.lr - lr).abs()))?;
            Some((lr.log10(), f64::from(at.smoothed)))
        })
        .into_iter()
        .collect()
    };
    let marks = suggestions.map(mark);
    let mut datasets = vec![
        Dataset::default()
            .name("smoothed loss")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.train())
            .data(&curve),
    ];
    for ((name, style), points) in [
        ("valley", theme.good()),
        ("steep", theme.warning()),
        ("min/10", theme.error()),
    ]
    .into_iter()
    .zip(&marks)
    {
        if !points.is_empty() {
            datasets.push(
                Dataset::default()
                    .name(name)
                    .marker(Marker::Block)
                    .graph_type(GraphType::Scatter)
                    .style(style)
                    .data(points),
            );
        }
    }
    Chart::new(datasets)
        .block(block)
        .x_axis(Axis::default().bounds(x).labels(vec![
            Line::from(format_lr(finder.spec.range.from)),
            Line::from("lr (log)"),
            Line::from(format_lr(finder.spec.range.to)),
        ]))
        .y_axis(Axis::default().bounds(y).labels(labels(y, loss_label(y))))
        .legend_position(Some(ratatui::widgets::LegendPosition::TopRight))
        .hidden_legend_constraints((Constraint::Percentage(70), Constraint::Percentage(70)))
        .render(area, buf);
}
