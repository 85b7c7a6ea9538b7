//! Deterministic demo data: users with real-looking (and non-ASCII) names, sessions from
//! varied browsers spread over the past days, some with scopes and intelligence.
//! Everything comes from the seed; times are relative to the start instant only.

use super::ids::new_id;
use super::store::{Active, SECOND, SessionRec, Store, User};
use crate::authn::model::{DomainIntel, Geolocation, Intelligence, IpIntel, Profile, Reputation};
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

/// Browsers and devices users log in from.
pub const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68",
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "curl/8.8.0",
];
const SCOPES: &[&str] = &[
    "read",
    "write",
    "admin",
    "billing:read",
    "sessions:*",
    "profile/edit",
];
const PLACES: &[(&str, &str, &str, f64, f64, &str)] = &[
    ("United States", "Portland", "US", 45.52, -122.68, "97201"),
    ("Japan", "Tokyo", "JP", 35.68, 139.69, "100-0001"),
    ("Denmark", "København", "DK", 55.68, 12.57, "1050"),
    ("Brazil", "São Paulo", "BR", -23.55, -46.63, "01000-000"),
    ("Nigeria", "Lagos", "NG", 6.52, 3.38, "100001"),
    ("Germany", "München", "DE", 48.14, 11.58, "80331"),
];

fn ascii_fold(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let r = match c {
            'é' | 'è' | 'ë' | 'ê' => "e",
            'á' | 'à' | 'ã' | 'â' => "a",
            'ï' | 'í' => "i",
            'ó' | 'ö' | 'ø' | 'Ø' => "o",
            'ü' | 'ú' => "u",
            'ç' => "c",
            'ğ' => "g",
            'ı' => "i",
            'ả' => "a",
            'ễ' => "e",
            'ñ' => "n",
            'å' | 'æ' => "a",
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

fn intelligence(rng: &mut fastrand::Rng) -> Intelligence {
    let (country, city, code, lat, lon, postal) = *pick(rng, PLACES);
    let bad = rng.u8(..6) == 0;
    let verdict = |rng: &mut fastrand::Rng, bad: bool| Reputation {
        category: Some(if bad {
            vec!["Malware".into()]
        } else {
            Vec::new()
        }),
        score: Some(if bad {
            70 + rng.i64(..30)
        } else {
            rng.i64(..10)
        }),
        verdict: Some(if bad { "malicious" } else { "benign" }.into()),
    };
    Intelligence {
        embargo: Some(false),
        ip_intel: Some(IpIntel {
            is_bad: Some(bad),
            is_vpn: Some(rng.u8(..5) == 0),
            is_proxy: Some(rng.u8(..8) == 0),
            reputation: Some(verdict(rng, bad)),
            geolocation: Some(Geolocation {
                country: Some(country.into()),
                city: Some(city.into()),
                latitude: Some(lat),
                longitude: Some(lon),
                postal_code: Some(postal.into()),
                country_code: Some(code.into()),
            }),
        }),
        domain_intel: Some(DomainIntel {
            is_bad: Some(false),
            reputation: Some(verdict(rng, false)),
        }),
        user_intel: Some(rng.u8(..10) == 0),
    }
}

/// Fills `store` with `users` users and `sessions` sessions from `seed`. The first ten
/// users get at least three sessions each when there are enough sessions.
pub fn populate(
    store: &mut Store,
    seed: u64,
    users: usize,
    sessions: usize,
    now: i64,
    user_life: i64,
    refresh_life: i64,
) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut seen = std::collections::HashSet::new();
    for i in 0..users {
        let mut u = user(&mut rng, i);
        if !seen.insert(u.email.clone()) {
            u.email = u.email.replacen('@', &format!("{i}@"), 1);
            seen.insert(u.email.clone());
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
        let mut scopes = Vec::new();
        if rng.u8(..3) == 0 {
            for s in SCOPES {
                if rng.u8(..3) == 0 {
                    scopes.push((*s).to_owned());
                }
            }
        }
        let intel = (rng.u8(..4) == 0).then(|| Box::new(intelligence(&mut rng)));
        let expire = created_at + refresh_life;
        let rec = SessionRec {
            id: Arc::from(new_id(&mut rng, "pmt")),
            user: owner,
            created_at,
            expire,
            user_agent: USER_AGENTS[rng.usize(..USER_AGENTS.len())],
            scopes,
            intelligence: intel,
            refresh: new_id(&mut rng, "ptr"),
            active: Active {
                id: new_id(&mut rng, "pmt"),
                value: new_id(&mut rng, "ptu"),
                created_at: active_created,
                expire: (active_created + user_life).min(expire),
            },
        };
        store.add_session(rec);
    }
}
