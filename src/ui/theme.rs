//! Styles, with and without colour. Without colour (`NO_COLOR`) only modifiers are used, and
//! nothing anywhere is told by colour alone: words and symbols carry the meaning.

use ratatui::style::{Color, Modifier, Style};

/// TensorFlow Playground's palette: orange for class 0 and negative weights, blue for class 1
/// and positive ones, each from weak (or unsure) to strong (or sure); xterm's 256 colours,
/// which more terminals show than 24-bit ones. The decision boundary, the network's edges and
/// its units' maps share it.
pub(crate) const ORANGE: [Color; 4] = [
    Color::Indexed(94),
    Color::Indexed(130),
    Color::Indexed(172),
    Color::Indexed(208),
];
pub(crate) const BLUE: [Color; 4] = [
    Color::Indexed(24),
    Color::Indexed(25),
    Color::Indexed(32),
    Color::Indexed(33),
];
/// From 0 to 1 without colour, as shading.
pub(crate) const SHADES: [&str; 5] = [" ", "░", "▒", "▓", "█"];

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Self {
        Theme { color }
    }

    fn pick(self, colored: Style, plain: Style) -> Style {
        if self.color { colored } else { plain }
    }

    pub fn train(self) -> Style {
        self.pick(Style::new().fg(Color::Cyan), Style::new())
    }

    pub fn valid(self) -> Style {
        self.pick(Style::new().fg(Color::Yellow), Style::new().bold())
    }

    /// Earlier runs on the chart.
    pub fn earlier(self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray), Style::new().dim())
    }

    pub fn dim(self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray), Style::new().dim())
    }

    #[expect(
        clippy::unused_self,
        reason = "the same without colour, asked of the theme all the same"
    )]
    pub fn title(self) -> Style {
        Style::new().bold()
    }

    pub fn border(self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => Style::new().fg(Color::Cyan).bold(),
            (true, false) => Style::new().bold(),
            (false, _) => Style::new(),
        }
    }

    pub fn error(self) -> Style {
        self.pick(
            Style::new().fg(Color::Red).bold(),
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        )
    }

    pub fn warning(self) -> Style {
        self.pick(Style::new().fg(Color::Yellow).bold(), Style::new().bold())
    }

    pub fn good(self) -> Style {
        self.pick(Style::new().fg(Color::Green), Style::new())
    }

    pub fn key(self) -> Style {
        self.pick(Style::new().fg(Color::Cyan).bold(), Style::new().bold())
    }

    #[expect(
        clippy::unused_self,
        reason = "the same without colour, asked of the theme all the same"
    )]
    pub fn selected(self) -> Style {
        Style::new().reversed()
    }

    /// A race's variant `i` on the chart and in its panel (told apart by letter too).
    pub fn variant(self, i: usize) -> Style {
        const COLOURS: [Color; 4] = [
            Color::LightGreen,
            Color::LightMagenta,
            Color::LightBlue,
            Color::LightRed,
        ];
        self.pick(Style::new().fg(COLOURS[i % COLOURS.len()]), Style::new())
    }

    pub fn mark(self) -> Style {
        self.pick(Style::new().fg(Color::Magenta), Style::new())
    }
}
