//! The breadcrumb in the header: where the user is (`Users › pui_… › sessions`), fitted
//! to the room left. Ids and terms are shown whole while they fit; when they do not, the
//! oldest are cut first and the places (the tabs' names) are kept.

use crate::sanitize;
use crate::tui::app::Trail;

/// Between two pieces of the trail.
const SEP: &str = " › ";
/// A cut id keeps at least this many cells (with its `…`).
const MIN_CUT: usize = 8;

/// The trail as text in at most `room` cells; None when not even its end fits.
pub(crate) fn fit(trail: &[Trail], room: usize) -> Option<String> {
    if trail.is_empty() {
        return None;
    }
    let mut parts: Vec<(bool, String)> = trail
        .iter()
        .map(|t| match t {
            Trail::Place(p) => (false, (*p).to_string()),
            Trail::Chosen(c) => (true, sanitize::clean(c).into_owned()),
        })
        .collect();
    let width = |parts: &[(bool, String)]| {
        parts.iter().map(|(_, s)| sanitize::width(s)).sum::<usize>()
            + SEP.chars().count() * parts.len().saturating_sub(1)
    };
    // Cut what was chosen, oldest first, never below a few cells.
    for i in 0..parts.len() {
        let over = width(&parts).saturating_sub(room);
        if over == 0 {
            break;
        }
        let (chosen, text) = &parts[i];
        let w = sanitize::width(text);
        if *chosen && w > MIN_CUT {
            let keep = w.saturating_sub(over).max(MIN_CUT);
            parts[i].1 = sanitize::fit(text, keep);
        }
    }
    // Then drop the oldest pieces for a `…`, keeping the last two.
    let mut elided = false;
    while width(&parts) > room {
        let start = usize::from(elided);
        if parts.len() - start <= 2 {
            break;
        }
        parts.remove(start);
        if !elided {
            parts.insert(0, (false, "…".to_string()));
            elided = true;
        }
    }
    let text = parts
        .into_iter()
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join(SEP);
    (sanitize::width(&text) <= room).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trail() -> Vec<Trail> {
        vec![
            Trail::Place("Users"),
            Trail::Chosen("pui_abcdefghijklmnopqrstuvwxyz234567".into()),
            Trail::Place("sessions"),
        ]
    }

    #[test]
    fn a_trail_that_fits_is_whole() {
        assert_eq!(
            fit(&trail(), 80).as_deref(),
            Some("Users › pui_abcdefghijklmnopqrstuvwxyz234567 › sessions")
        );
    }

    #[test]
    fn short_of_room_the_id_is_cut_and_the_places_stay() {
        let text = fit(&trail(), 30).unwrap();
        assert!(text.starts_with("Users › pui_"), "{text}");
        assert!(text.ends_with("… › sessions"), "{text}");
        assert!(sanitize::width(&text) <= 30, "{text}");
    }

    #[test]
    fn very_short_of_room_the_oldest_pieces_go_first() {
        let text = fit(&trail(), 23).unwrap();
        assert_eq!(text, "… › pui_abc… › sessions");
        assert_eq!(fit(&trail(), 5), None);
    }

    #[test]
    fn chosen_text_is_made_safe() {
        let t = vec![
            Trail::Place("Insights"),
            Trail::Chosen("country=\u{1b}[31mFR".into()),
            Trail::Place("sessions"),
        ];
        let text = fit(&t, 80).unwrap();
        assert!(!text.contains('\u{1b}'), "{text:?}");
    }
}
