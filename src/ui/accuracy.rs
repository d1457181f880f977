//! Validation accuracy: the latest figure and a sparkline of the recent epochs; test accuracy
//! once evaluated.

use super::theme::Theme;
use crate::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Sparkline, Widget};

pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let block = Block::bordered().title(Line::styled(" Accuracy ", theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 {
        return;
    }
    let Some(run) = app.current() else {
        return;
    };
    let recent = run.history.recent();
    let width = usize::from(inner.width);
    // Only as many epochs as there are columns: O(width).
    let shown: Vec<f32> = recent
        .iter()
        .skip(recent.len().saturating_sub(width))
        .map(|p| p.valid_accuracy)
        .filter(|a| a.is_finite())
        .collect();
    let mut spans = vec![Span::raw("valid ")];
    match run.last().map(|p| p.valid_accuracy) {
        Some(a) if a.is_finite() => {
            spans.push(Span::styled(format!("{:.1}%", a * 100.0), theme.valid()));
        }
        Some(_) => spans.push(Span::styled("NaN", theme.error())),
        None => spans.push(Span::raw("—")),
    }
    let lo = shown.iter().copied().fold(f32::INFINITY, f32::min);
    let hi = shown.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    spans.push(Span::raw(" · test "));
    match run.test {
        Some((epoch, e)) => {
            spans.push(Span::styled(
                format!("{:.1}%", e.accuracy * 100.0),
                theme.good(),
            ));
            spans.push(Span::raw(format!(" at epoch {epoch}")));
        }
        None if run.info.test_rows == 0 => spans.push(Span::styled("no split", theme.dim())),
        None => spans.push(Span::styled("t evaluates", theme.dim())),
    }
    let line = Line::from(spans);
    let used = line.width();
    buf.set_line(inner.x, inner.y, &line, inner.width);
    // The sparkline's scale, right-aligned when it fits: it starts at the lowest value shown.
    if shown.len() > 1 {
        let scale = format!("▁{:.1}% █{:.1}%", lo * 100.0, hi * 100.0);
        let width = scale.chars().count();
        if used + width + 2 <= usize::from(inner.width) {
            let x = inner.right() - u16::try_from(width).unwrap_or(0);
            buf.set_string(x, inner.y, scale, theme.dim());
        }
    }

    if inner.height > 1 && shown.len() > 1 {
        // Scaled from the lowest shown value so that small gains are visible.
        let span = hi - lo;
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "bar heights are scaled to 0..=100"
        )]
        let data: Vec<u64> = shown
            .iter()
            .map(|a| {
                if span > 1e-6 {
                    (((a - lo) / span) * 1000.0) as u64 + 1
                } else {
                    // A flat line, drawn halfway up.
                    500
                }
            })
            .collect();
        let spark_area = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        Sparkline::default()
            .data(data)
            .max(1001)
            .style(theme.valid())
            .render(spark_area, buf);
    }
}
