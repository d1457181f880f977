//! The walk view (key `4`): an epoch of the current run through the tutorial's functions, each
//! a short formula with the epoch's shapes and numbers, and below it one weight's gradient
//! worked by hand beside autodiff's. While `n` steps through the epoch, the functions done are
//! shown, the current one highlighted (`▶`), the rest still to come.
//!
//! ```text
//! ┌ Walk · epoch 12 of run #1 ─────────────── n steps · ↑ ↓ unit · , . input ┐
//! │ epoch 12: the coefficients after 11 epochs, lr 1.4                        │
//! │  init_coeffs    the run's start: torch.manual_seed(442), then             │
//! │▶ calc_preds     res = relu(indeps @ wt_hidden): 713×12 @ 12×20 → 713×20   │
//! │  calc_loss      …                                                          │
//! └────────────────────────────────────────────────────────────────────────────┘
//! ┌ A gradient by hand ───────────────────────────────────────────────────────┐
//! │ ∂L/∂w = mean over rows of sign(pred − y) · pred(1 − pred) · w_out · …      │
//! └────────────────────────────────────────────────────────────────────────────┘
//! ```

use super::network::wrapped;
use super::theme::Theme;
use super::{Regions, note};
use crate::app::App;
use crate::app::mouse::Panel;
use crate::report::walk::text::Section;
use crate::report::walk::{Walk, WalkStep};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

/// Columns of the functions' names, and the marker before them.
const NAME_WIDTH: usize = 17;

pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme, regions: &mut Regions) {
    let run = app.current();
    let walk = run.and_then(|r| r.walk.as_deref());
    let width = usize::from(area.width.saturating_sub(2));
    let step = app.walk_step();
    let hand = walk.map(|w| hand_lines(w, step, width, theme));
    // As tall as the whole of it, so that the panels keep their places as the walk steps.
    let whole = walk.map_or(1, |w| hand_lines(w, None, width, theme).len());
    let hand_rows = u16::try_from(whole + 2).unwrap_or(u16::MAX);
    let hand_rows = hand_rows.min(area.height * 2 / 5);
    let [walk_area, hand_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(hand_rows)]).areas(area);
    let title = match (walk, run) {
        (Some(w), Some(r)) => format!(" Walk · epoch {} of run #{} ", w.epoch, r.id()),
        _ => " Walk ".to_string(),
    };
    let keys = match (step, walk) {
        (Some(step), Some(w)) => {
            let steps = WalkStep::epoch(w.layers.len());
            let at = steps.iter().position(|&s| s == step).unwrap_or(0) + 1;
            format!(" step {at}/{} {} · n next ", steps.len(), step.function())
        }
        _ => " n steps · ↑ ↓ unit · , . input ".to_string(),
    };
    let block = Block::bordered()
        .title(Line::styled(title, theme.title()))
        .title(Line::styled(keys, theme.key()).right_aligned());
    let inner = block.inner(walk_area);
    block.render(walk_area, buf);
    regions.panel(walk_area, Panel::Walk);
    let Some(walk) = walk else {
        let text = if run.is_some() {
            "walking the next epoch…"
        } else {
            "no run yet"
        };
        note(inner, buf, text, theme);
        return;
    };
    let lines = walk_lines(walk, step, usize::from(inner.width), inner.height, theme);
    for (row, line) in (inner.y..inner.bottom()).zip(&lines) {
        buf.set_line(inner.x, row, line, inner.width);
    }
    let block = Block::bordered().title(Line::styled(" A gradient by hand ", theme.title()));
    let inner = block.inner(hand_area);
    block.render(hand_area, buf);
    regions.panel(hand_area, Panel::Hand);
    let mut hand = hand.unwrap_or_default();
    let room = usize::from(inner.height);
    if hand.len() > room {
        // Cut in the middle: the sum and autodiff's value beside it stay.
        let tail = hand.split_off(hand.len() - 2.min(room));
        hand.truncate(room - tail.len());
        hand.extend(tail);
    }
    for (row, line) in (inner.y..inner.bottom()).zip(&hand) {
        buf.set_line(inner.x, row, line, inner.width);
    }
}

/// The hand-worked gradient's lines in `width` columns, autodiff's verdict marked; while the
/// walk steps before `backward`, only the formula, its numbers to come.
fn hand_lines(
    walk: &Walk,
    step: Option<WalkStep>,
    width: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    match &walk.hand {
        Ok(hand) if step.is_some_and(|s| s < WalkStep::Backward) => {
            let mut lines: Vec<Line<'static>> = hand
                .lines()
                .iter()
                .take(2)
                .flat_map(|line| wrapped(line, width, theme.dim()))
                .collect();
            lines.push(Line::styled("… worked out at backward", theme.dim()));
            lines
        }
        Ok(hand) => {
            let text = hand.lines();
            let last = text.len().saturating_sub(1);
            text.iter()
                .enumerate()
                .flat_map(|(i, line)| {
                    let style = if i == last {
                        theme.mark()
                    } else {
                        Style::new()
                    };
                    wrapped(line, width, style)
                })
                .collect()
        }
        Err(why) => wrapped(why, width, theme.dim()),
    }
}

/// How a section is drawn while stepping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Done,
    Current,
}

/// The walk's lines in `width` columns and at most `rows` rows: the heading, then each
/// function under its name; while stepping, the functions still to come on one dim line.
/// When they do not all fit, the heading goes, each function keeps its first line and the
/// current one (or the first ones) the rest.
fn walk_lines(
    walk: &Walk,
    step: Option<WalkStep>,
    width: usize,
    rows: u16,
    theme: Theme,
) -> Vec<Line<'static>> {
    let text_width = width.saturating_sub(NAME_WIDTH).max(8);
    let all = walk.sections();
    let (sections, coming): (Vec<&Section>, Vec<&Section>) = all
        .iter()
        .partition(|section| step.is_none_or(|step| section.step <= step));
    let stage = |section: &Section| match step {
        Some(step) if section.step == step => Stage::Current,
        _ => Stage::Done,
    };
    let bodies: Vec<Vec<Line<'static>>> = sections
        .iter()
        .map(|section| {
            let style = match stage(section) {
                Stage::Done => Style::new(),
                Stage::Current => theme.mark(),
            };
            section
                .lines
                .iter()
                .flat_map(|line| wrapped(line, text_width, style))
                .collect()
        })
        .collect();
    let rows = usize::from(rows);
    let body_rows: usize = bodies.iter().map(Vec::len).sum();
    let coming_rows = usize::from(!coming.is_empty());
    let mut lines = wrapped(&walk.heading(), width, theme.dim());
    lines.truncate(2);
    if lines.len() + body_rows + coming_rows > rows {
        lines.clear();
    }
    let room = rows.saturating_sub(lines.len() + coming_rows);
    // Each section's rows: all of them when they fit; else one each, the rest given to the
    // current step first.
    let mut shown: Vec<usize> = bodies.iter().map(|b| b.len().min(1)).collect();
    if body_rows <= room {
        shown = bodies.iter().map(Vec::len).collect();
    } else {
        let mut spare = room.saturating_sub(shown.iter().sum());
        if let Some(i) = sections.iter().position(|s| stage(s) == Stage::Current) {
            let more = (bodies[i].len() - shown[i]).min(spare);
            shown[i] += more;
            spare -= more;
        }
        // Then a line more to each in turn: every function's numbers before a third row.
        while spare > 0 && shown.iter().zip(&bodies).any(|(n, b)| *n < b.len()) {
            for (n, body) in shown.iter_mut().zip(&bodies) {
                if spare > 0 && *n < body.len() {
                    *n += 1;
                    spare -= 1;
                }
            }
        }
    }
    for ((section, body), count) in sections.iter().zip(bodies).zip(shown) {
        let (marker, name_style) = match stage(section) {
            Stage::Current => ("▶ ", theme.selected()),
            Stage::Done => ("  ", theme.title()),
        };
        for (i, line) in body.into_iter().take(count).enumerate() {
            let name = if i == 0 {
                format!(
                    "{marker}{:<w$}",
                    section.step.function(),
                    w = NAME_WIDTH - 2
                )
            } else {
                " ".repeat(NAME_WIDTH)
            };
            let mut spans = vec![Span::styled(name, name_style)];
            spans.extend(line.spans);
            lines.push(Line::from(spans));
        }
    }
    if !coming.is_empty() {
        let mut names: Vec<&str> = coming.iter().map(|s| s.step.function()).collect();
        names.dedup();
        let text = format!("  {} to come (n)", names.join(" · "));
        lines.push(Line::styled(text, theme.dim()));
    }
    lines
}
