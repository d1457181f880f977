//! The status bar: what the run is doing (in words), how far and how fast, what is wrong with
//! it, the last message, and where it runs on what data.

use super::fmt_num;
use super::theme::Theme;
use crate::app::App;
use crate::report::run::RunState;
use crate::settings::Backend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

const HINT: &str = "? help  q quit";

pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let room = usize::from(area.width).saturating_sub(HINT.len() + 1);
    let rows = [
        run_line(app, theme),
        message_line(app, theme, usize::from(area.width)),
        setup_line(app, theme, room),
    ];
    for (row, line) in (area.y..area.bottom()).zip(rows) {
        buf.set_line(area.x, row, &line, area.width);
    }
    // The key hint sits at the right of the last row.
    let width = u16::try_from(HINT.len()).unwrap_or(0);
    if area.height >= 3 && area.width > width {
        let x = area.right() - width;
        buf.set_string(x - 1, area.y + 2, " ", Style::new());
        buf.set_line(
            x,
            area.y + 2,
            &Line::from(vec![
                Span::styled("?", theme.key()),
                Span::raw(" help  "),
                Span::styled("q", theme.key()),
                Span::raw(" quit"),
            ]),
            width,
        );
    }
}

/// The state word with a symbol, then epoch, speed and the diagnosis.
fn run_line<'a>(app: &App, theme: Theme) -> Line<'a> {
    let Some(run) = app.current() else {
        let word = match app.reported.initializing {
            Some(Backend::Wgpu) => "initializing GPU…",
            Some(Backend::Cpu) => "initializing CPU…",
            None => "waiting for the trainer…",
        };
        return Line::styled(format!(" ◌ {word} "), theme.selected());
    };
    let word = run.state_word();
    let symbol = match word {
        "running" => "▶",
        "paused" => "‖",
        "finished" => "✓",
        "stopped" => "■",
        "stalled" => "!",
        _ => "×",
    };
    let badge_style = match word {
        "diverged" | "failed" => theme.error(),
        "stalled" => theme.warning().reversed(),
        _ => theme.selected(),
    };
    let mut spans = vec![
        Span::styled(format!(" {symbol} {} ", word.to_uppercase()), badge_style),
        Span::raw(format!(
            " run #{} · epoch {}/{}",
            run.id(),
            run.epoch(),
            run.info.settings.epochs
        )),
    ];
    match run.epochs_per_second() {
        Some(rate) => spans.push(Span::raw(format!(" · {} ep/s", fmt_num(rate)))),
        None => spans.push(Span::raw(" · — ep/s")),
    }
    // A GPU compiles its kernels in the first epoch: seconds, with nothing else to show.
    if run.compiling() {
        let waited = run.started_at.elapsed().as_secs_f64();
        spans.push(Span::styled(
            format!(" · compiling GPU kernels… {waited:.0} s"),
            theme.warning(),
        ));
    }
    Line::from(spans)
}

/// What is wrong with the run (failure, diagnosis, dead units), then the latest message, cut
/// at a word to fit `width` columns (`i` shows the events in full).
fn message_line<'a>(app: &App, theme: Theme, width: usize) -> Line<'a> {
    let mut spans = vec![Span::raw(" ")];
    if let Some(run) = app.current() {
        if let RunState::Failed(why) = &run.state {
            sep(&mut spans);
            spans.push(Span::styled(format!("run failed: {why}"), theme.error()));
        }
        if let Some(problem) = run.problem() {
            sep(&mut spans);
            spans.push(Span::styled(problem.describe(), theme.error()));
        }
        if let Some((dead, total)) = run.dead_units() {
            sep(&mut spans);
            spans.push(Span::styled(
                format!("{dead}/{total} hidden units dead"),
                theme.warning(),
            ));
        }
    }
    match &app.screen.message {
        Some(m) if m.error => {
            sep(&mut spans);
            spans.push(Span::styled("error:", theme.error()));
            spans.push(Span::raw(format!(" {}", m.text)));
        }
        Some(m) => {
            sep(&mut spans);
            spans.push(Span::raw(m.text.clone()));
        }
        None => {}
    }
    let used: usize = spans.iter().map(Span::width).sum();
    if used > width
        && let Some(last) = spans.pop()
    {
        let before = used - last.width();
        let events = app.current().is_some_and(|run| !run.events.is_empty());
        let fits = |text: &str| before + text.chars().count() <= width;
        // The short form (what happened, the rate to try) with the key to the rest, when it
        // fits; else the message cut at a word.
        let brief = app.screen.brief.as_ref().and_then(|brief| {
            [" … i: all of it", " (i)"]
                .into_iter()
                .map(|more| format!("{brief}{more}"))
                .find(|text| fits(text))
        });
        let text = brief.unwrap_or_else(|| {
            let more = if events { " … (i)" } else { " …" };
            let room = width.saturating_sub(before + more.chars().count());
            format!("{}{more}", words_within(&last.content, room))
        });
        spans.push(Span::styled(text, last.style));
    }
    Line::from(spans)
}

/// The longest start of `text` that ends at a word and fits `room` columns.
fn words_within(text: &str, room: usize) -> &str {
    let mut end = 0;
    for (at, c) in text.char_indices() {
        if text[..at].chars().count() > room {
            break;
        }
        if c == ' ' {
            end = at;
        }
    }
    text[..end].trim_end_matches([' ', ':', ';', ',', '·'])
}

fn sep(spans: &mut Vec<Span>) {
    if spans.len() > 1 {
        spans.push(Span::raw(" · "));
    }
}

/// Backend, device and data set, in `room` columns if the long form does not fit.
fn setup_line<'a>(app: &App, theme: Theme, room: usize) -> Line<'a> {
    let device = match app.current() {
        Some(run) => format!("{}: {}", run.info.settings.backend, run.info.device),
        None => app.next.settings.backend.to_string(),
    };
    let d = &app.reported.data;
    let long = format!(
        ": {} train, {} valid, {} test rows, {} features",
        d.train_rows, d.valid_rows, d.test_rows, d.features
    );
    let short = format!(
        " {}/{}/{} rows, {} features",
        d.train_rows, d.valid_rows, d.test_rows, d.features
    );
    let start = format!(" {device} · ");
    let used = start.chars().count() + d.name.chars().count();
    let rows = if used + long.chars().count() <= room {
        long
    } else {
        short
    };
    Line::from(vec![
        Span::raw(start),
        Span::styled(d.name.clone(), theme.title()),
        Span::raw(rows),
    ])
}
