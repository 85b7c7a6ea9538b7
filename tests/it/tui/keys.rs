//! Keys that never get lost, a TUI that remembers, and the `:` command line: `App::update`
//! cases, plus the history file under two writers at once.

use crate::harness::app::*;
use authtop::authn::model::{Order, OrderBy};
use authtop::tui::app::{App, AppInit, PickerKind, Recall, Tab};
use authtop::tui::command::{Command, Effect, EventKind, ListSource, Msg, Outcome};
use authtop::tui::keymap::{Action, Keymap};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

fn only(cmds: Vec<Command>) -> Command {
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    cmds.into_iter().next().unwrap()
}

fn cursor_of(cmd: &Command) -> Option<String> {
    match cmd {
        Command::List { query, .. } => query.cursor.clone(),
        other => panic!("not a list: {other:?}"),
    }
}

fn page(app: &App) -> usize {
    app.table(ListSource::Sessions).page_number()
}

fn selected(app: &App) -> usize {
    app.table(ListSource::Sessions).selected_index()
}

fn status(app: &App) -> String {
    app.status_message()
        .map(|(_, m)| m.to_string())
        .unwrap_or_default()
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn shift(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT))
}

/// Types text key by key, collecting the commands it causes.
fn typed(app: &mut App, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| app.update(key(c), now()))
        .collect()
}

/// Walks to page `n` of a three-row-per-page list whose cursors are `cN`.
fn walk_to(app: &mut App, n: usize) {
    while page(app) < n {
        let next = only(app.update(key(']'), now()));
        let p = page(app) + 1;
        let more = format!("c{}", p + 1);
        app.update(
            listed(&next, sessions(p * 3, p * 3 + 3), Some(&more)),
            now(),
        );
    }
}

#[test]
fn page_steps_pressed_while_a_page_loads_are_applied_in_order() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    let first = only(app.update(key(']'), now()));
    assert!(
        app.update(key(']'), now()).is_empty(),
        "the second step waits for the first page"
    );
    assert!(status(&app).contains("queued"), "{}", status(&app));
    assert_ne!(status(&app), "no further page");

    // The first page lands and the queued step follows from it.
    let second = only(app.update(listed(&first, sessions(3, 6), Some("c3")), now()));
    assert_eq!(cursor_of(&second), Some("c3".into()));
    assert_eq!(page(&app), 2);
    app.update(listed(&second, sessions(6, 9), Some("c4")), now());
    assert_eq!(page(&app), 3);
}

#[test]
fn back_steps_on_page_five_never_say_first_page() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    walk_to(&mut app, 5);
    let back = only(app.update(key('['), now()));
    assert!(app.update(key('['), now()).is_empty());
    assert!(!status(&app).contains("first page"), "{}", status(&app));
    assert_eq!(cursor_of(&back), Some("c4".into()));
    let again = only(app.update(listed(&back, sessions(9, 12), Some("c5")), now()));
    assert_eq!(cursor_of(&again), Some("c3".into()));
    app.update(listed(&again, sessions(6, 9), Some("c4")), now());
    assert_eq!(page(&app), 3);
}

#[test]
fn a_failed_page_drops_the_steps_counted_from_it() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    let first = only(app.update(key(']'), now()));
    app.update(key(']'), now());
    let failed = app.update(
        event(
            &first,
            EventKind::failed(authtop::authn::Error::Transport {
                kind: authtop::authn::TransportKind::Connect,
                host: "127.0.0.1".into(),
                message: "refused".into(),
                attempts: 1,
            }),
        ),
        now(),
    );
    assert!(lists(&failed).is_empty(), "no step from a page never shown");
    assert_eq!(page(&app), 1);
}

#[test]
fn j_past_the_last_row_loads_the_next_page_and_k_above_the_first_goes_back() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    app.update(key('j'), now());
    app.update(key('j'), now());
    assert_eq!(selected(&app), 2);
    let next = only(app.update(key('j'), now()));
    assert_eq!(cursor_of(&next), Some("c2".into()));
    assert!(
        app.update(key('j'), now()).is_empty(),
        "the page is already on its way"
    );
    app.update(listed(&next, sessions(3, 6), None), now());
    assert_eq!((page(&app), selected(&app)), (2, 0));

    // On the last page, j at the bottom stays put.
    app.update(key('G'), now());
    assert!(app.update(key('j'), now()).is_empty());
    app.update(key('g'), now());

    let prev = only(app.update(key('k'), now()));
    assert_eq!(cursor_of(&prev), None);
    app.update(listed(&prev, sessions(0, 3), Some("c2")), now());
    assert_eq!(
        (page(&app), selected(&app)),
        (1, 2),
        "lands on the last row"
    );
    // Page one, top row: nothing above.
    app.update(key('g'), now());
    assert!(app.update(key('k'), now()).is_empty());
}

#[test]
fn hash_jumps_to_a_page_walking_forward_and_straight_back() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    assert!(app.update(key('#'), now()).is_empty());
    assert_eq!(app.command_line().unwrap().text(), "page ");
    assert!(typed(&mut app, "3").is_empty());
    let step = only(app.update(code(KeyCode::Enter), now()));
    assert_eq!(cursor_of(&step), Some("c2".into()));
    let step = only(app.update(listed(&step, sessions(3, 6), Some("c3")), now()));
    assert_eq!(cursor_of(&step), Some("c3".into()));
    let rest = app.update(listed(&step, sessions(6, 9), Some("c4")), now());
    assert!(lists(&rest).is_empty());
    assert_eq!(page(&app), 3);

    // Back to a page already seen: one request, with that page's cursor.
    app.update(key(':'), now());
    typed(&mut app, "page 2");
    let back = only(app.update(code(KeyCode::Enter), now()));
    assert_eq!(cursor_of(&back), Some("c2".into()));
    app.update(listed(&back, sessions(3, 6), Some("c3")), now());

    app.update(key('#'), now());
    typed(&mut app, "x");
    assert!(app.update(code(KeyCode::Enter), now()).is_empty());
    assert!(
        status(&app).contains("not a page number"),
        "{}",
        status(&app)
    );
}

#[test]
fn a_jump_past_the_last_page_says_how_many_there_are() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    app.update(key('#'), now());
    typed(&mut app, "9");
    let step = only(app.update(code(KeyCode::Enter), now()));
    let rest = app.update(listed(&step, sessions(3, 6), None), now());
    assert!(lists(&rest).is_empty());
    assert_eq!(page(&app), 2);
    assert!(
        status(&app).contains("no page beyond 2"),
        "{}",
        status(&app)
    );
}

#[test]
fn ctrl_c_quits_with_quit_remapped_from_any_layer() {
    let mut keys = BTreeMap::new();
    keys.insert("quit".to_string(), vec!["Q".to_string()]);
    let (keymap, warnings) = Keymap::with_overrides(&keys);
    assert!(warnings.is_empty());
    assert!(!keymap.keys_label(Action::Quit).contains("ctrl"));
    let custom = || AppInit {
        keymap: keymap.clone(),
        ..quiet()
    };

    let mut app = loaded(custom(), sessions(0, 3), None, 120, 30);
    app.update(ctrl('c'), now());
    assert!(app.should_quit());

    // From the query editor, a menu and the command line too.
    for opener in ['/', 's', ':'] {
        let mut app = loaded(custom(), sessions(0, 3), None, 120, 30);
        app.update(key(opener), now());
        assert!(!app.should_quit());
        app.update(ctrl('c'), now());
        assert!(app.should_quit(), "after {opener}");
    }
    // q no longer quits; Q does.
    let mut app = loaded(custom(), sessions(0, 3), None, 120, 30);
    app.update(key('q'), now());
    assert!(!app.should_quit());
    app.update(shift('Q'), now());
    assert!(app.should_quit());
}

#[test]
fn the_order_picker_orders_by_any_column_in_both_directions() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    assert!(app.update(key('s'), now()).is_empty());
    let menu = app.picker().expect("the picker is open");
    assert!(matches!(menu.kind, PickerKind::Order(ListSource::Sessions)));
    assert_eq!(
        menu.items.len(),
        OrderBy::ALL.len() + authtop::investigate::sort::LocalSort::ALL.len(),
        "the server's columns and those sorted by a walk"
    );

    let cmd = only(app.update(key('m'), now()));
    let Command::List { query, .. } = &cmd else {
        unreachable!()
    };
    assert_eq!((query.order_by, query.order), (OrderBy::Email, Order::Asc));
    assert_eq!(app.ordering(), Some((OrderBy::Email, Order::Asc)));
    assert!(app.picker().is_none());

    app.update(key('s'), now());
    let cmd = only(app.update(shift('K'), now()));
    let Command::List { query, .. } = &cmd else {
        unreachable!()
    };
    assert_eq!(
        (query.order_by, query.order),
        (OrderBy::ActiveTokenId, Order::Desc)
    );
    assert!(
        status(&app).contains("active_token_id ▼"),
        "{}",
        status(&app)
    );

    // Esc closes the picker without a request; a stray letter keeps it open.
    app.update(key('s'), now());
    assert!(app.update(key('z'), now()).is_empty());
    assert!(app.picker().is_some());
    assert!(app.update(code(KeyCode::Esc), now()).is_empty());
    assert!(app.picker().is_none());
}

#[test]
fn a_new_order_or_query_puts_the_selection_at_the_top() {
    let mut app = loaded(quiet(), sessions(0, 5), None, 120, 30);
    app.update(key('G'), now());
    assert_eq!(selected(&app), 4);
    app.update(key('/'), now());
    typed(&mut app, "email~user");
    let cmd = only(app.update(code(KeyCode::Enter), now()));
    // The same rows come back in another order: the selection still starts at the top.
    let mut rows = sessions(0, 5);
    rows.reverse();
    app.update(listed(&cmd, rows, None), now());
    assert_eq!(selected(&app), 0);
}

#[test]
fn d_l_and_y_act_on_the_session_in_the_detail_view() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('j'), now());
    app.update(code(KeyCode::Enter), now());
    assert!(app.detail().is_some());

    app.update(key('d'), now());
    let d = app
        .dialog()
        .expect("d opens the dialog from the detail view");
    assert!(format!("{:?}", d.ask).contains("pmt_s0001"));
    app.update(code(KeyCode::Esc), now());

    let scope = only(app.update(shift('L'), now()));
    assert!(matches!(&scope, Command::UserScope { user_id, .. } if user_id == "pui_u0001"));

    app.update(key('y'), now());
    assert!(matches!(
        app.picker().map(|m| &m.kind),
        Some(PickerKind::Copy)
    ));
    app.update(key('a'), now());
    assert_eq!(app.take_effects(), [Effect::Clipboard("curl/8.5".into())]);
    assert!(status(&app).contains("unconfirmed"), "{}", status(&app));
    for (k, want) in [
        ('e', "user1@example.com"),
        ('u', "pui_u0001"),
        ('t', "pmt_t0001"),
        ('r', "prq_list"),
    ] {
        app.update(key('y'), now());
        app.update(key(k), now());
        assert_eq!(app.take_effects(), [Effect::Clipboard(want.into())], "{k}");
    }
}

#[test]
fn copying_inside_tmux_says_which_setting_it_needs() {
    let mut app = loaded(
        AppInit {
            in_tmux: true,
            ..quiet()
        },
        sessions(0, 1),
        None,
        120,
        30,
    );
    app.update(key('y'), now());
    app.update(key('i'), now());
    assert!(
        status(&app).contains("set-clipboard on"),
        "{}",
        status(&app)
    );
}

#[test]
fn the_detail_view_follows_reloads_of_its_session() {
    let reloading = AppInit {
        auto_reload: Some(SEC),
        ..quiet()
    };
    let mut app = loaded(reloading, sessions(0, 3), None, 120, 30);
    app.update(code(KeyCode::Enter), now());
    let mut fresh = sessions(0, 3);
    fresh[0].email = "renamed@example.com".into();
    let reload = only(lists(&app.update(Msg::Tick, at(5))));
    app.update(listed(&reload, fresh, None), at(5));
    assert_eq!(app.detail().unwrap().session().email, "renamed@example.com");
}

#[test]
fn read_only_mode_says_why_keys_do_nothing_and_hides_marking() {
    let ro = AppInit {
        read_only: true,
        ..quiet()
    };
    let mut app = loaded(ro, sessions(0, 3), None, 120, 30);
    for k in ['d', 'D', 'X'] {
        assert!(app.update(key(k), now()).is_empty());
        assert!(app.dialog().is_none());
        assert!(status(&app).contains("read-only"), "{k}: {}", status(&app));
    }
    assert!(!app.keymap().is_bound(Action::Mark));
    app.update(key(' '), now());
    assert!(app.table(ListSource::Sessions).marks().is_empty());
    assert!(status(&app).contains("marking is off"), "{}", status(&app));
}

#[test]
fn help_offers_no_tab_that_is_not_there() {
    let mut app = loaded(
        AppInit {
            has_user_token: false,
            ..quiet()
        },
        sessions(0, 3),
        None,
        120,
        30,
    );
    assert!(!app.keymap().is_bound(Action::TabMine));
    assert!(app.update(key('2'), now()).is_empty());
    assert_eq!(app.tab(), Tab::Sessions);
    assert!(status(&app).contains("user token"), "{}", status(&app));
}

#[test]
fn up_and_down_browse_the_profiles_query_history() {
    let mut app = loaded(
        AppInit {
            history: vec!["email~a".into(), "type=session".into()],
            ..quiet()
        },
        sessions(0, 3),
        None,
        120,
        30,
    );
    app.update(key('/'), now());
    typed(&mut app, "draft");
    app.update(code(KeyCode::Up), now());
    assert_eq!(app.editor().unwrap().text(), "type=session");
    app.update(code(KeyCode::Up), now());
    assert_eq!(app.editor().unwrap().text(), "email~a");
    app.update(code(KeyCode::Up), now());
    assert_eq!(app.editor().unwrap().text(), "email~a", "oldest stays");
    app.update(code(KeyCode::Down), now());
    app.update(code(KeyCode::Down), now());
    assert_eq!(app.editor().unwrap().text(), "draft");

    // Applying an older query makes it the newest, once, and asks the loop to save it.
    app.update(ctrl('u'), now());
    typed(&mut app, "email~a");
    app.update(code(KeyCode::Enter), now());
    assert_eq!(app.history(), ["type=session", "email~a"]);
    assert_eq!(
        app.take_effects(),
        [Effect::RecordQuery {
            profile: "prod".into(),
            query: "email~a".into()
        }]
    );
}

#[test]
fn tab_completes_field_names_then_lists_their_operators() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('/'), now());
    typed(&mut app, "type=session ema");
    app.update(code(KeyCode::Tab), now());
    assert_eq!(app.editor().unwrap().text(), "type=session email");
    app.update(code(KeyCode::Tab), now());
    assert_eq!(app.editor().unwrap().text(), "type=session email");
    assert!(status(&app).contains("email~"), "{}", status(&app));
    typed(&mut app, "~x");
    assert!(
        app.query_preview().is_some(),
        "the completed query compiles"
    );

    typed(&mut app, " zzz");
    app.update(code(KeyCode::Tab), now());
    assert!(
        status(&app).contains("nothing completes"),
        "{}",
        status(&app)
    );
}

#[test]
fn the_last_query_order_and_tab_come_back() {
    let recall = Recall {
        query: "email~a".into(),
        order_by: "email".into(),
        order: "asc".into(),
        tab: "token".into(),
    };
    let (app, cmds) = App::new(
        AppInit {
            recall: Some(recall.clone()),
            ..quiet()
        },
        now(),
    );
    assert_eq!(app.tab(), Tab::Token);
    let Some(Command::List { query, .. }) = lists(&cmds).first().cloned() else {
        panic!("{cmds:?}")
    };
    assert_eq!((query.order_by, query.order), (OrderBy::Email, Order::Asc));
    assert!(
        format!("{:?}", query.filter).contains("email"),
        "{:?}",
        query.filter
    );
    assert_eq!(app.table(ListSource::Sessions).query_text(), "email~a");
    assert_eq!(app.recall(), recall);

    // What no longer parses is dropped, not refused.
    let (app, _) = App::new(
        AppInit {
            recall: Some(Recall {
                query: "emial~a".into(),
                order_by: "nonsense".into(),
                order: "up".into(),
                tab: "mine".into(),
            }),
            has_user_token: false,
            ..quiet()
        },
        now(),
    );
    assert_eq!(app.table(ListSource::Sessions).query_text(), "");
    assert_eq!(app.tab(), Tab::Sessions, "no My sessions without a token");
}

#[test]
fn colon_commands_quit_page_and_suggest() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key(':'), now());
    typed(&mut app, "profle x");
    app.update(code(KeyCode::Enter), now());
    assert!(
        status(&app).contains("did you mean `:profile`"),
        "{}",
        status(&app)
    );

    app.update(key(':'), now());
    typed(&mut app, "exp");
    app.update(code(KeyCode::Tab), now());
    assert_eq!(app.command_line().unwrap().text(), "export ");
    app.update(code(KeyCode::Enter), now());
    if Keymap::action_named("export").is_none() {
        assert!(status(&app).contains("not available"), "{}", status(&app));
    } else {
        assert!(
            app.export_pick().is_some(),
            "`:export` opens the export picker"
        );
        app.update(code(KeyCode::Esc), now());
        assert!(app.export_pick().is_none());
    }
    app.update(key(':'), now());
    typed(&mut app, "columns");
    app.update(code(KeyCode::Enter), now());
    if Keymap::action_named("columns").is_none() {
        assert!(status(&app).contains("not available"), "{}", status(&app));
    } else {
        assert!(
            matches!(app.picker().map(|p| &p.kind), Some(PickerKind::Columns)),
            "`:columns` opens the column picker"
        );
        app.update(code(KeyCode::Esc), now());
        assert!(app.picker().is_none());
    }

    app.update(key(':'), now());
    typed(&mut app, "q");
    app.update(code(KeyCode::Enter), now());
    assert!(app.should_quit());
}

#[test]
fn colon_profile_switches_completes_and_refuses_with_work_running() {
    let with_profiles = || AppInit {
        profiles: vec!["prod".into(), "staging".into()],
        ..quiet()
    };
    let mut app = loaded(with_profiles(), sessions(0, 3), None, 120, 30);
    app.update(key(':'), now());
    typed(&mut app, "profile st");
    app.update(code(KeyCode::Tab), now());
    assert_eq!(app.command_line().unwrap().text(), "profile staging");
    app.update(code(KeyCode::Enter), now());
    assert_eq!(
        app.take_effects(),
        [Effect::SwitchProfile("staging".into())]
    );

    let mut app = loaded(with_profiles(), sessions(0, 3), None, 120, 30);
    app.update(key(':'), now());
    typed(&mut app, "profile stagign");
    app.update(code(KeyCode::Enter), now());
    assert!(app.take_effects().is_empty());
    assert!(
        status(&app).contains("did you mean `staging`"),
        "{}",
        status(&app)
    );

    // An invalidation in flight is never dropped by a switch.
    app.update(key('d'), now());
    let inv = only(app.update(key('y'), now()));
    assert!(matches!(inv, Command::Invalidate { .. }));
    app.update(key(':'), now());
    typed(&mut app, "profile staging");
    app.update(code(KeyCode::Enter), now());
    assert!(app.take_effects().is_empty());
    assert!(status(&app).contains("still running"), "{}", status(&app));
    app.update(
        event(
            &inv,
            EventKind::Done(Outcome::Invalidated {
                session_id: "pmt_s0000".into(),
                already_gone: false,
                request_id: Some("prq_1".into()),
            }),
        ),
        now(),
    );
    app.update(key(':'), now());
    typed(&mut app, "profile staging");
    app.update(code(KeyCode::Enter), now());
    assert_eq!(
        app.take_effects(),
        [Effect::SwitchProfile("staging".into())]
    );
}

#[test]
fn two_writers_on_one_history_file_lose_nothing_and_tear_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                for i in 0..40 {
                    authtop::tui::memory::record_query(&path, "prod", &format!("w{w} q{i}"))
                        .unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let lines = authtop::tui::memory::load_history(&path, "prod");
    assert_eq!(lines.len(), 80, "{lines:?}");
    assert!(lines.iter().all(|l| l.starts_with('w') && l.contains(" q")));
}

#[test]
fn the_newest_overlay_takes_the_keys_is_drawn_on_top_and_uncovers_the_one_below() {
    use authtop::tui::screens::Overlay;
    let mut app = loaded(quiet(), sessions(0, 5), None, 100, 24);
    let ask = only(app.update(shift('L'), now()));
    app.update(key('?'), now());
    assert!(app.help_open());
    // The user's count arrives while help is open: the dialog opens over it.
    app.update(
        event(
            &ask,
            EventKind::Done(Outcome::UserScope {
                user_id: "pui_u0000".into(),
                total: 3,
            }),
        ),
        now(),
    );
    assert!(matches!(app.overlays().last(), Some(Overlay::Dialog(_))));
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 24)).unwrap();
    t.draw(|f| authtop::tui::view::draw(&app, f)).unwrap();
    let screen: String = t
        .backend()
        .buffer()
        .content
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    assert!(
        screen.contains("Log out user everywhere"),
        "the dialog is drawn over the help: {screen}"
    );
    // `j` scrolls the dialog, not the help under it; `n` closes the dialog only.
    app.update(key('j'), now());
    assert_eq!(app.help_scroll(), Some(0));
    assert!(app.update(key('n'), now()).is_empty());
    assert!(app.dialog().is_none());
    assert!(app.help_open());
    app.update(key('j'), now());
    assert_eq!(app.help_scroll(), Some(1), "help takes the keys again");
    app.update(code(KeyCode::Esc), now());
    assert!(app.overlays().is_empty());
}

#[test]
fn the_export_picker_takes_its_choices_by_letter_and_tab_flips_the_format() {
    let mut app = loaded(quiet(), sessions(0, 5), None, 120, 30);
    app.update(key('e'), now());
    let format = |app: &App| app.export_pick().map(|p| p.format);
    assert_eq!(format(&app), Some(authtop::output::Format::Csv));
    app.update(code(KeyCode::Tab), now());
    assert_eq!(format(&app), Some(authtop::output::Format::Ndjson));
    app.update(key('c'), now());
    assert_eq!(format(&app), Some(authtop::output::Format::Csv));
    // Without marks there is no marked/all choice: `m` is a stray key and changes nothing.
    app.update(key('m'), now());
    assert_eq!(app.export_pick().map(|p| p.marked_only), Some(false));
    let current: Vec<bool> = app
        .picker()
        .map(|p| p.items.iter().map(|i| i.current).collect())
        .unwrap_or_default();
    assert_eq!(current, [true, false], "the choice in force is marked");
}
