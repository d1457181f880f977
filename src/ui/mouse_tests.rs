//! The mouse: a frame is drawn, its regions say what is where, and a click or a scroll there
//! changes the state as its key would.

use super::Regions;
use crate::app::App;
use crate::app::Effect;
use crate::app::dynamics::View;
use crate::app::fixtures::{count, lr, mid_run, settings, trained};
use crate::app::form::Field;
use crate::app::mouse::{Hit, Panel, Press, Target};
use crate::app::network::UnitRef;
use crate::settings::RunSettings;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

/// Draws `app` at `width` × `height`; the frame and where it put things.
fn draw(app: &App, width: u16, height: u16) -> (Buffer, Regions) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    let mut regions = Regions::default();
    terminal
        .draw(|frame| frame.render_stateful_widget(app, frame.area(), &mut regions))
        .expect("draw");
    (terminal.backend().buffer().clone(), regions)
}

/// The first cell whose row, from that cell on, starts with `text`.
fn find(buffer: &Buffer, text: &str) -> (u16, u16) {
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        let row: Vec<&str> = (area.left()..area.right())
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        for x in 0..row.len() {
            if row[x..].concat().starts_with(text) {
                return (u16::try_from(x).unwrap(), y);
            }
        }
    }
    panic!("{text} is not on the screen");
}

fn click(app: &mut App, regions: &Regions, (x, y): (u16, u16)) -> Vec<Effect> {
    app.on_mouse(Press::Click, regions.hit(x, y))
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn clicking_a_field_opens_the_form_there_and_focuses_the_panel() {
    let mut app = mid_run();
    let (buffer, regions) = draw(&app, 120, 40);
    let at = find(&buffer, "epochs");
    assert_eq!(
        regions.hit(at.0, at.1),
        Hit {
            panel: Some(Panel::Settings),
            target: Some(Target::Field(Field::Epochs))
        }
    );
    click(&mut app, &regions, at);
    assert_eq!(
        app.screen.form.as_ref().map(|f| f.focus),
        Some(Field::Epochs)
    );
    assert_eq!(app.screen.focus, Some(Panel::Settings));
}

#[test]
fn a_click_focuses_the_panel_under_it() {
    let mut app = mid_run();
    let (buffer, regions) = draw(&app, 120, 40);
    let (x, y) = find(&buffer, " Weights");
    let corner = (x - 1, y);
    assert!(!buffer[corner].modifier.contains(Modifier::BOLD));
    click(&mut app, &regions, (x + 3, y + 2));
    assert_eq!(app.screen.focus, Some(Panel::Weights));
    let (buffer, _) = draw(&app, 120, 40);
    assert!(
        buffer[corner].modifier.contains(Modifier::BOLD),
        "the focused panel's border is bold"
    );
}

#[test]
fn clicking_a_tab_switches_the_view() {
    let mut app = mid_run();
    let (buffer, regions) = draw(&app, 120, 40);
    click(&mut app, &regions, find(&buffer, "3 network"));
    assert_eq!(app.screen.view, View::Network);
    let (buffer, regions) = draw(&app, 120, 40);
    click(&mut app, &regions, find(&buffer, "2 dynamics"));
    assert_eq!(app.screen.view, View::Dynamics);
}

#[test]
fn the_loss_chart_takes_the_cursor_and_zooms_under_the_wheel() {
    let mut app = mid_run();
    let (_, regions) = draw(&app, 120, 40);
    let (graph, [from, _]) = regions.chart.expect("the loss chart");
    assert_eq!(from, 1.0, "the chart starts at epoch 1");
    let (x, y) = (graph.x, graph.y + 1);
    click(&mut app, &regions, (x, y));
    assert_eq!(app.screen.chart.cursor, Some(1));
    let Some(Target::Epoch(far)) = regions.hit(x + 40, y).target else {
        panic!("the chart is under the mouse");
    };
    assert!(far > 1);
    app.on_mouse(Press::ScrollUp, regions.hit(x + 40, y));
    assert_eq!(
        (app.screen.chart.cursor, app.screen.chart.zoom),
        (Some(far.min(12)), true)
    );
    app.on_mouse(Press::ScrollDown, regions.hit(x + 40, y));
    assert!(!app.screen.chart.zoom);
    // The chart spans 30 epochs, the run 12: a click past its end is its last epoch.
    click(&mut app, &regions, (graph.right() - 1, y));
    assert_eq!(app.screen.chart.cursor, Some(12));
}

#[test]
fn a_tab_click_leaves_an_open_form_where_it_is() {
    let mut app = mid_run();
    press(&mut app, KeyCode::Char('f'));
    let (buffer, regions) = draw(&app, 120, 40);
    click(&mut app, &regions, find(&buffer, "3 network"));
    assert_eq!(app.screen.view, View::Overview, "the form stays on screen");
    assert!(app.screen.form.is_some());
}

#[test]
fn clicking_a_unit_inspects_it() {
    let settings = RunSettings {
        lr: lr(20.0),
        epochs: count(10),
        ..settings()
    };
    let mut app = trained(settings, &[2, 10]);
    press(&mut app, KeyCode::Char('3'));
    let (buffer, regions) = draw(&app, 120, 40);
    click(&mut app, &regions, find(&buffer, "● 9"));
    assert_eq!(app.screen.unit, Some(UnitRef { layer: 0, unit: 9 }));
    let (buffer, regions) = draw(&app, 120, 40);
    find(&buffer, "Inspector · h1.9");
    click(&mut app, &regions, find(&buffer, "◉ out"));
    assert_eq!(app.screen.unit, Some(UnitRef { layer: 1, unit: 0 }));
}

#[test]
fn with_the_mouse_off_clicks_do_nothing_and_m_turns_it_back_on() {
    let mut app = mid_run();
    assert_eq!(press(&mut app, KeyCode::Char('M')), [Effect::Mouse(false)]);
    let (buffer, regions) = draw(&app, 120, 40);
    click(&mut app, &regions, find(&buffer, "3 network"));
    assert_eq!(app.screen.view, View::Overview);
    assert_eq!(press(&mut app, KeyCode::Char('M')), [Effect::Mouse(true)]);
    click(&mut app, &regions, find(&buffer, "3 network"));
    assert_eq!(app.screen.view, View::Network);
}
