//! Deterministic demo data: users with real-looking (and non-ASCII) names, sessions from
//! varied browsers and tools spread over the past days, some with scopes, most with an
//! intelligence block (see [`super::intel`]). Everything comes from the seed; times are relative
//! to the start instant only.

use super::ids::new_id;
use super::intel::Habits;
use super::records::{Active, SECOND, SessionRec, User};
use super::store::Store;
use pangea_authn_model::Profile;
use std::sync::Arc;

const FIRST: &[&str] = &[
    "Alice",
    "Bob",
    "Carol",
    "José",
    "美咲",
    "Søren",
    "Zoë",
    "Ngozi",
    "Priya",
    "Mateusz",
    "Chloé",
    "Oğuz",
    "Anaïs",
    "Dmitri",
    "Fatima",
    "Hiroshi",
    "Ingrid",
    "Kwame",
    "Léa",
    "Mohammed",
    "Nora",
    "Paulo",
    "Rajesh",
    "Siobhán",
    "Thảo",
    "Ulla",
    "Valentina",
    "Wei",
    "Yara",
    "Zoltán",
];
const LAST: &[&str] = &[
    "Anders",
    "Baker",
    "Castillo",
    "García",
    "田中",
    "Ørsted",
    "Müller",
    "Okafor",
    "Patel",
    "Kowalski",
    "Dubois",
    "Yılmaz",
    "Lefèvre",
    "Ivanov",
    "Haddad",
    "Sato",
    "Lindqvist",
    "Mensah",
    "Martin",
    "Al-Farsi",
    "Nilsen",
    "Ferreira",
    "Iyer",
    "Ní Bhriain",
    "Nguyễn",
    "Virtanen",
    "Rossi",
    "Zhang",
    "Haddad",
    "Horváth",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "acme.test",
    "corp.example",
    "mail.example.jp",
    "exemple.fr",
    "beispiel.de",
];
const DEPARTMENTS: &[&str] = &[
    "Engineering",
    "Sales",
    "Support",
    "Finance",
    "Research",
    "Légal",
];
const LOCALES: &[&str] = &["en-US", "ja-JP", "da-DK", "fr-FR", "pt-BR", "de-DE"];
const EMOJI: &[&str] = &["🌸", "🚀", "🦊", "☕", "🎧", "🌊", "🍀", "⚡"];

const SCOPES: &[&str] = &[
    "read",
    "write",
    "admin",
    "billing:read",
    "sessions:*",
    "profile/edit",
];
fn ascii_fold(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let r = match c {
            'é' | 'è' | 'ë' | 'ê' | 'ễ' => "e",
            'á' | 'à' | 'ã' | 'â' | 'ả' | 'å' | 'æ' => "a",
            'ï' | 'í' | 'ı' => "i",
            'ó' | 'ö' | 'ø' | 'Ø' => "o",
            'ü' | 'ú' => "u",
            'ç' => "c",
            'ğ' => "g",
            'ñ' => "n",
            ' ' | '-' => "",
            c if c.is_ascii_alphanumeric() => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            c if c.is_alphabetic() => {
                out.push(c);
                continue;
            }
            _ => "",
        };
        out.push_str(r);
    }
    out
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn user(rng: &mut fastrand::Rng, i: usize) -> User {
    let first = pick(rng, FIRST);
    let last = pick(rng, LAST);
    let domain = pick(rng, DOMAINS);
    // Most addresses are folded to ASCII as mail systems usually do; some keep their
    // Unicode local part, as internationalised addresses may.
    let local = if rng.u8(..4) == 0 {
        format!(
            "{}.{}",
            first.to_lowercase(),
            last.to_lowercase().replace(' ', "")
        )
    } else {
        format!("{}.{}", ascii_fold(first), ascii_fold(last))
    };
    let email = format!("{local}@{domain}");
    let mut profile = Profile::new();
    profile.insert("first_name".into(), (*first).into());
    profile.insert("last_name".into(), (*last).into());
    // Filters can only name letters-only profile keys (`profile_<Name>`), so the
    // seed carries some besides the usual snake_case ones.
    profile.insert("department".into(), (*pick(rng, DEPARTMENTS)).into());
    if rng.bool() {
        profile.insert("locale".into(), (*pick(rng, LOCALES)).into());
    }
    if rng.u8(..3) == 0 {
        profile.insert(
            "display_name".into(),
            format!("{first} {}", pick(rng, EMOJI)),
        );
    }
    User {
        id: new_id(rng, "pui"),
        email,
        username: format!(
            "{}{}{i}",
            ascii_fold(first),
            ascii_fold(last).chars().next().unwrap_or('x')
        ),
        enabled: rng.u8(..20) != 0,
        profile,
    }
}

/// Fills `store` with `users` users and `sessions` sessions from `seed`. The first ten
/// users get at least three sessions each when there are enough sessions. With
/// `intelligence`, most sessions' active tokens carry a complete intelligence block.
// Seed, sizes, clock and lifetimes are independent numbers; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn populate(
    store: &mut Store,
    seed: u64,
    users: usize,
    sessions: usize,
    now: i64,
    user_life: i64,
    refresh_life: i64,
    intelligence: bool,
) {
    let mut rng = fastrand::Rng::with_seed(seed);
    // Places, devices and risk come from a generator of their own, so turning
    // intelligence off changes nothing else about the data.
    let mut habits_rng = fastrand::Rng::with_seed(seed ^ 0x1a7e_1119_e9ce);
    let mut habits: Vec<Habits> = Vec::with_capacity(users);
    let mut emails = std::collections::HashSet::new();
    for i in 0..users {
        habits.push(Habits::new(&mut habits_rng));
        let mut u = user(&mut rng, i);
        if !emails.insert(u.email.clone()) {
            u.email = u.email.replacen('@', &format!("{i}@"), 1);
            emails.insert(u.email.clone());
        }
        store.add_user(u);
    }
    if users == 0 {
        return;
    }
    // Logins are spread over the past days but never older than the session life, so
    // every seeded session starts out live.
    let span = (refresh_life - 2 * SECOND).clamp(0, 14 * 86_400 * SECOND);
    let favoured = users.min(10);
    store.reserve(sessions);
    for i in 0..sessions {
        let owner = if i < users {
            i
        } else if i < users + 2 * favoured {
            (i - users) % favoured
        } else if rng.bool() {
            rng.usize(..favoured.max(1) * 3).min(users - 1)
        } else {
            rng.usize(..users)
        };
        let created_at = now - rng.i64(0..=span);
        let active_created = created_at.max(now - rng.i64(0..=user_life / 2));
        let times = Times {
            created_at,
            active_created,
            user_life,
            refresh_life,
        };
        let rec = login(
            &mut rng,
            &mut habits_rng,
            &habits,
            owner,
            &times,
            intelligence,
        );
        store.add_unindexed(rec);
    }
    store.finish_seeding();
}

/// When a session starts and how long it and its active token live.
struct Times {
    created_at: i64,
    active_created: i64,
    user_life: i64,
    refresh_life: i64,
}

/// One login of `owner`: scopes, device and place from the user's habits, new tokens.
fn login(
    rng: &mut fastrand::Rng,
    habits_rng: &mut fastrand::Rng,
    habits: &[Habits],
    owner: usize,
    t: &Times,
    intelligence: bool,
) -> SessionRec {
    let mut scopes = Vec::new();
    if rng.u8(..3) == 0 {
        for s in SCOPES {
            if rng.u8(..3) == 0 {
                scopes.push((*s).to_owned());
            }
        }
    }
    let (user_agent, intel) = habits[owner].login(habits_rng);
    let expire = t.created_at + t.refresh_life;
    SessionRec {
        id: Arc::from(new_id(rng, "pmt")),
        user: owner,
        created_at: t.created_at,
        expire,
        user_agent,
        scopes,
        intelligence: intel.filter(|_| intelligence),
        refresh: new_id(rng, "ptr"),
        active: Active {
            id: new_id(rng, "pmt"),
            value: new_id(rng, "ptu"),
            created_at: t.active_created,
            expire: (t.active_created + t.user_life).min(expire),
        },
    }
}

/// Logins arriving while the emulator runs, with the seed's mix of users, places,
/// devices and risk: each user keeps the habits the seed gave them.
pub struct Logins {
    rng: fastrand::Rng,
    habits_rng: fastrand::Rng,
    habits: Vec<Habits>,
    user_life: i64,
    refresh_life: i64,
    intelligence: bool,
}

impl Logins {
    /// Logins for the users [`populate`] made from `seed`.
    pub fn new(
        seed: u64,
        users: usize,
        user_life: i64,
        refresh_life: i64,
        intelligence: bool,
    ) -> Self {
        // The same generator as `populate`, so each user's habits come out the same.
        let mut habits_rng = fastrand::Rng::with_seed(seed ^ 0x1a7e_1119_e9ce);
        let habits = (0..users).map(|_| Habits::new(&mut habits_rng)).collect();
        Self {
            rng: fastrand::Rng::with_seed(seed ^ 0x0001_0915_1a7e),
            habits_rng,
            habits,
            user_life,
            refresh_life,
            intelligence,
        }
    }

    /// A new session starting at `now`; `None` when there are no users.
    pub fn next(&mut self, now: i64) -> Option<SessionRec> {
        let users = self.habits.len();
        if users == 0 {
            return None;
        }
        // As the seed's later sessions: half from the busiest few users, half from anyone.
        let favoured = users.min(10);
        let owner = if self.rng.bool() {
            self.rng.usize(..favoured * 3).min(users - 1)
        } else {
            self.rng.usize(..users)
        };
        let times = Times {
            created_at: now,
            active_created: now,
            user_life: self.user_life,
            refresh_life: self.refresh_life,
        };
        Some(login(
            &mut self.rng,
            &mut self.habits_rng,
            &self.habits,
            owner,
            &times,
            self.intelligence,
        ))
    }
}
