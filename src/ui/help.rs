//! The `?` overlay: every key.

use super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

/// `(keys, what they do)`; a row with empty keys is a heading.
pub const KEYS: &[(&str, &str)] = &[
    ("", "Training"),
    ("space", "pause / resume"),
    ("n", "train one epoch, then pause"),
    ("s", "stop the run (it stays on the chart)"),
    ("r", "restart with the current settings"),
    ("+ =  -", "learning rate up / down the ladder (live)"),
    ("] [", "first hidden layer bigger / smaller (restarts)"),
    ("p", "pace: 10, 30, 100, 1000 epochs/s, max"),
    ("t", "evaluate the test set"),
    ("L", "sweep lr 0.01…100 from the run's start / cancel it"),
    (
        "w c",
        "save weights (.safetensors) / settings (--config .toml)",
    ),
    (
        "e E",
        "export: nnfs-run<id>-history.csv / all runs: nnfs-runs.csv",
    ),
    ("", "View"),
    (
        "l m",
        "log-scale loss axis / smoothing: off, 0.6, 0.9, 0.99",
    ),
    (
        "v T",
        "sweep panel / run table (↑ ↓ select, Enter curve) on, off",
    ),
    ("?", "this help (? or Esc closes it)"),
    ("", "Settings form"),
    (
        "Tab f",
        "edit the settings; ↑ ↓ Tab ⇧Tab move between fields",
    ),
    (
        "type ⌫",
        "edit the field; space ← → switch backend, ← → pick data",
    ),
    ("Enter / Esc", "apply and restart / leave unchanged"),
    ("", "Quit"),
    (
        "q Esc Ctrl-C",
        "quit (Esc closes help, form or run table first)",
    ),
];

const KEY_WIDTH: usize = 14;

pub fn render(area: Rect, buf: &mut Buffer, theme: &Theme) {
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|&(keys, what)| {
            if keys.is_empty() {
                Line::styled(what, theme.title().underlined())
            } else {
                Line::from(vec![
                    Span::styled(format!("  {keys:<KEY_WIDTH$}"), theme.key()),
                    Span::raw(what),
                ])
            }
        })
        .collect();
    let width = lines
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(0)
        .saturating_add(4);
    let width = u16::try_from(width).unwrap_or(u16::MAX).min(area.width);
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .border_style(theme.border(true))
                .title(Line::styled(" Keys — ? or Esc closes ", theme.title())),
        )
        .render(popup, buf);
}
