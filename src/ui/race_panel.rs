//! A race's panel (in the accuracy panel's place): each variant's figures, lettered as its
//! curve on the loss chart is; at the end, the final figures and the variant with the best
//! validation accuracy.

use super::fmt_num;
use super::theme::Theme;
use crate::app::jobs::JobStatus;
use crate::app::race_view::RaceView;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

/// The letter that names variant `i` on the chart and in the panel.
pub fn letter(i: usize) -> char {
    char::from(b'a' + u8::try_from(i % 26).unwrap_or(0))
}

/// Rows the panel takes: a row per variant, a header, the verdict and the border.
pub fn height(race: &RaceView) -> u16 {
    u16::try_from(race.names.len() + 4).unwrap_or(8)
}

pub fn render(race: &RaceView, area: Rect, buf: &mut Buffer, theme: Theme) {
    let from = race
        .from_run
        .map_or_else(String::new, |id| format!(" from run #{id}'s start"));
    let title = format!(
        " Race{from} · epoch {}/{} ",
        race.epochs_done(),
        race.epochs
    );
    let block = Block::bordered().title(Line::styled(title, theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    let width = race.names.iter().map(String::len).max().unwrap_or(0).max(7);
    let mut lines = vec![Line::styled(
        format!(
            "  {:<width$}  {:>7}  {:>7}  {:>8}  {:>6}",
            "variant", "train", "valid", "accuracy", "epochs"
        ),
        theme.dim(),
    )];
    let finishes = race.finishes();
    let leader = race.leader().map(|f| f.variant);
    for (i, name) in race.names.iter().enumerate() {
        let figures = match finishes.and_then(|all| all.iter().find(|f| f.variant == i)) {
            Some(f) => Some((f.train_loss, f.valid_loss, f.valid_accuracy, f.epochs)),
            None => race.last[i].map(|p| (p.train_loss, p.valid_loss, p.valid_accuracy, p.epoch)),
        };
        let text = match figures {
            Some((train, valid, accuracy, epochs)) => format!(
                " {name:<width$}  {:>7}  {:>7}  {:>7.1}%  {epochs:>6}",
                fmt_num(f64::from(train)),
                fmt_num(f64::from(valid)),
                accuracy * 100.0,
            ),
            None => format!(" {name:<width$}  waiting for its first lap"),
        };
        let mut spans = vec![
            Span::styled(letter(i).to_string(), theme.variant(i)),
            Span::raw(text),
        ];
        if leader == Some(i) {
            spans.push(Span::styled(" ◀", theme.good()));
        }
        lines.push(Line::from(spans));
    }
    let verdict = match &race.status {
        JobStatus::Running => "R cancels it; v hides this panel".to_string(),
        JobStatus::Done(_) => "◀ best validation accuracy; train: the whole split's loss".into(),
        JobStatus::Cancelled => "cancelled: the figures of the last laps".into(),
        JobStatus::Failed(why) => format!("failed: {why}"),
    };
    lines.push(Line::styled(verdict, theme.dim()));
    for (row, line) in (inner.y..inner.bottom()).zip(lines) {
        buf.set_line(inner.x, row, &line, inner.width);
    }
}
