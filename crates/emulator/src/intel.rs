//! Where seeded users log in from and with what, and the intelligence block (spec 4.4)
//! the active token of such a login carries.
//!
//! Each user has one to three places (the first is home), one to three browsers, and
//! sometimes scripts (`curl`, `python-requests`, an SDK). A login draws from those; a few
//! percent come through a VPN or a proxy, about one percent from an address with a
//! malicious or suspicious verdict, a few users log in from an embargoed country, and
//! some users are known to be breached. A session's intelligence is a few bytes that
//! point into static tables, so 100,000 sessions cost little memory and render fast.

use serde::ser::{Serialize, SerializeMap, Serializer};

/// A city a login can come from.
pub struct Place {
    /// Country name.
    pub country: &'static str,
    /// City.
    pub city: &'static str,
    /// ISO 3166 alpha-2 code.
    pub code: &'static str,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Postal code.
    pub postal: &'static str,
    /// Relative weight of the place as a home.
    pub weight: u32,
    /// Logins from here are embargoed.
    pub embargoed: bool,
}

const fn place(
    country: &'static str,
    city: &'static str,
    code: &'static str,
    lat: f64,
    lon: f64,
    postal: &'static str,
    weight: u32,
) -> Place {
    Place {
        country,
        city,
        code,
        lat,
        lon,
        postal,
        weight,
        embargoed: false,
    }
}

const fn embargoed(
    country: &'static str,
    city: &'static str,
    code: &'static str,
    lat: f64,
    lon: f64,
    postal: &'static str,
) -> Place {
    Place {
        embargoed: true,
        weight: 0,
        ..place(country, city, code, lat, lon, postal, 0)
    }
}

/// Every place, ordinary ones first.
pub const PLACES: &[Place] = &[
    place("United States", "New York", "US", 40.71, -74.01, "10001", 9),
    place(
        "United States",
        "San Francisco",
        "US",
        37.77,
        -122.42,
        "94103",
        7,
    ),
    place(
        "United States",
        "Portland",
        "US",
        45.52,
        -122.68,
        "97201",
        4,
    ),
    place("United States", "Chicago", "US", 41.88, -87.63, "60601", 5),
    place("United States", "Austin", "US", 30.27, -97.74, "78701", 4),
    place(
        "United Kingdom",
        "London",
        "GB",
        51.51,
        -0.13,
        "EC1A 1BB",
        7,
    ),
    place(
        "United Kingdom",
        "Manchester",
        "GB",
        53.48,
        -2.24,
        "M1 1AE",
        3,
    ),
    place("France", "Paris", "FR", 48.86, 2.35, "75001", 6),
    place("France", "Lyon", "FR", 45.76, 4.84, "69001", 3),
    place("Germany", "Berlin", "DE", 52.52, 13.40, "10115", 5),
    place("Germany", "München", "DE", 48.14, 11.58, "80331", 4),
    place("Japan", "Tokyo", "JP", 35.68, 139.69, "100-0001", 6),
    place("Japan", "Osaka", "JP", 34.69, 135.50, "530-0001", 3),
    place("Denmark", "København", "DK", 55.68, 12.57, "1050", 2),
    place("Brazil", "São Paulo", "BR", -23.55, -46.63, "01000-000", 4),
    place("Nigeria", "Lagos", "NG", 6.52, 3.38, "100001", 3),
    place("India", "Bengaluru", "IN", 12.97, 77.59, "560001", 5),
    place("India", "Mumbai", "IN", 19.08, 72.88, "400001", 3),
    place("Canada", "Toronto", "CA", 43.65, -79.38, "M5H 2N2", 4),
    place("Australia", "Sydney", "AU", -33.87, 151.21, "2000", 3),
    place("Netherlands", "Amsterdam", "NL", 52.37, 4.90, "1012", 3),
    place("Spain", "Madrid", "ES", 40.42, -3.70, "28013", 3),
    place("Poland", "Warszawa", "PL", 52.23, 21.01, "00-001", 2),
    place("Sweden", "Stockholm", "SE", 59.33, 18.07, "111 20", 2),
    place("Singapore", "Singapore", "SG", 1.29, 103.85, "048583", 2),
    place("South Korea", "Seoul", "KR", 37.57, 126.98, "04524", 2),
    place(
        "Mexico",
        "Ciudad de México",
        "MX",
        19.43,
        -99.13,
        "06000",
        2,
    ),
    place("Türkiye", "İstanbul", "TR", 41.01, 28.98, "34110", 2),
    place("Vietnam", "Hà Nội", "VN", 21.03, 105.85, "100000", 1),
    embargoed("Iran", "Tehran", "IR", 35.69, 51.39, "11369"),
    embargoed("Cuba", "La Habana", "CU", 23.11, -82.37, "10100"),
    embargoed("North Korea", "Pyongyang", "KP", 39.04, 125.76, ""),
    embargoed("Syria", "Damascus", "SY", 33.51, 36.29, ""),
];

/// Browsers on desktops and phones.
pub const BROWSERS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0",
];

/// Scripts and SDKs some users log in with.
pub const TOOLS: &[&str] = &[
    "curl/8.8.0",
    "curl/7.81.0",
    "python-requests/2.32.3",
    "pangea-python/6.13.0",
    "pangea-go/5.7.0",
];

/// A reputation verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Known good.
    Benign,
    /// Nothing known.
    Unknown,
    /// Worth a look.
    Suspicious,
    /// Known bad.
    Malicious,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Benign => "benign",
            Verdict::Unknown => "unknown",
            Verdict::Suspicious => "suspicious",
            Verdict::Malicious => "malicious",
        }
    }

    fn categories(self) -> &'static [&'static str] {
        match self {
            Verdict::Malicious => &["Malware", "Botnet"],
            Verdict::Suspicious => &["Anonymizer"],
            _ => &[],
        }
    }
}

/// The intelligence of one login, as indexes into the tables above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intel {
    /// Index into [`PLACES`].
    pub place: u8,
    /// Through a VPN.
    pub vpn: bool,
    /// Through a proxy.
    pub proxy: bool,
    /// The address's verdict.
    pub verdict: Verdict,
    /// The address's score (0 to 100).
    pub score: u8,
    /// The user is known to be breached.
    pub breached: bool,
}

impl Intel {
    /// Where the login came from.
    pub fn place(&self) -> &'static Place {
        &PLACES[usize::from(self.place) % PLACES.len()]
    }
}

/// One `{category, score, verdict}` object.
struct Rep(Verdict, u8);

impl Serialize for Rep {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("category", self.0.categories())?;
        m.serialize_entry("score", &self.1)?;
        m.serialize_entry("verdict", self.0.as_str())?;
        m.end()
    }
}

struct Geo(&'static Place);

impl Serialize for Geo {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("country", p.country)?;
        m.serialize_entry("city", p.city)?;
        m.serialize_entry("latitude", &p.lat)?;
        m.serialize_entry("longitude", &p.lon)?;
        m.serialize_entry("postal_code", p.postal)?;
        m.serialize_entry("country_code", p.code)?;
        m.end()
    }
}

struct IpBlock<'a>(&'a Intel);

impl Serialize for IpBlock<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = self.0;
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("is_bad", &(i.verdict == Verdict::Malicious))?;
        m.serialize_entry("is_vpn", &i.vpn)?;
        m.serialize_entry("is_proxy", &i.proxy)?;
        m.serialize_entry("reputation", &Rep(i.verdict, i.score))?;
        m.serialize_entry("geolocation", &Geo(i.place()))?;
        m.end()
    }
}

struct DomainBlock;

impl Serialize for DomainBlock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("is_bad", &false)?;
        m.serialize_entry("reputation", &Rep(Verdict::Benign, 0))?;
        m.end()
    }
}

/// The complete block (every key pangea-python requires).
impl Serialize for Intel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("embargo", &self.place().embargoed)?;
        m.serialize_entry("ip_intel", &IpBlock(self))?;
        m.serialize_entry("domain_intel", &DomainBlock)?;
        m.serialize_entry("user_intel", &self.breached)?;
        m.end()
    }
}

/// Where and how one user logs in.
#[derive(Debug, Clone)]
pub struct Habits {
    places: Vec<u8>,
    browsers: Vec<u8>,
    /// Some logins come from a script.
    scripts: bool,
    breached: bool,
}

// Habits keep a row of `PLACES` or `BROWSERS` as a `u8`.
const _: () = assert!(PLACES.len() <= 256 && BROWSERS.len() <= 256);

/// A row of `PLACES` or `BROWSERS` as [`Habits`] stores it.
fn table_index(i: usize) -> u8 {
    u8::try_from(i).unwrap_or(u8::MAX)
}

fn weighted_place(rng: &mut fastrand::Rng) -> u8 {
    let total: u32 = PLACES.iter().map(|p| p.weight).sum();
    let mut roll = rng.u32(..total.max(1));
    for (i, p) in PLACES.iter().enumerate() {
        if roll < p.weight {
            return table_index(i);
        }
        roll -= p.weight;
    }
    0
}

impl Habits {
    /// A new user's places, browsers and breach status.
    pub fn new(rng: &mut fastrand::Rng) -> Self {
        let count = match rng.u8(..100) {
            0..50 => 1,
            50..85 => 2,
            _ => 3,
        };
        let mut places: Vec<u8> = Vec::with_capacity(count);
        while places.len() < count {
            let p = weighted_place(rng);
            if !places.contains(&p) {
                places.push(p);
            }
        }
        // A few users also log in from an embargoed country (never their home).
        if count > 1 && rng.u8(..100) < 3 {
            let embargoed: Vec<usize> =
                (0..PLACES.len()).filter(|&i| PLACES[i].embargoed).collect();
            if let Some(last) = places.last_mut() {
                *last = table_index(embargoed[rng.usize(..embargoed.len())]);
            }
        }
        let devices = 1 + rng.usize(..3);
        let browsers = (0..devices)
            .map(|_| table_index(rng.usize(..BROWSERS.len())))
            .collect();
        Self {
            places,
            browsers,
            scripts: rng.u8(..100) < 12,
            breached: rng.u8(..100) < 7,
        }
    }

    /// One login: the User-Agent it sends and its intelligence (absent for one in ten).
    pub fn login(&self, rng: &mut fastrand::Rng) -> (&'static str, Option<Intel>) {
        let ua = if self.scripts && rng.u8(..3) == 0 {
            TOOLS[rng.usize(..TOOLS.len())]
        } else {
            BROWSERS[usize::from(self.browsers[rng.usize(..self.browsers.len())]) % BROWSERS.len()]
        };
        // Home most of the time, the other places now and then.
        let place = if self.places.len() == 1 || rng.u8(..100) < 65 {
            self.places[0]
        } else {
            self.places[1 + rng.usize(..self.places.len() - 1)]
        };
        let roll = rng.u16(..1000);
        let (verdict, score) = match roll {
            0..5 => (Verdict::Malicious, 80 + rng.u8(..20)),
            5..12 => (Verdict::Suspicious, 40 + rng.u8(..30)),
            12..150 => (Verdict::Unknown, 0),
            _ => (Verdict::Benign, rng.u8(..20)),
        };
        let intel = Intel {
            place,
            vpn: rng.u8(..100) < 4,
            proxy: rng.u8(..100) < 3,
            verdict,
            score,
            breached: self.breached,
        };
        let present = rng.u8(..10) != 0;
        (ua, present.then_some(intel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_complete_and_spelled_as_the_spec_says() {
        let intel = Intel {
            place: 0,
            vpn: true,
            proxy: false,
            verdict: Verdict::Suspicious,
            score: 50,
            breached: true,
        };
        let v = serde_json::to_value(intel).unwrap();
        let typed: pangea_authn_model::Intelligence = serde_json::from_value(v.clone()).unwrap();
        let ip = typed.ip_intel.unwrap();
        assert_eq!(ip.is_vpn, Some(true));
        assert_eq!(
            ip.reputation.unwrap().verdict.as_deref(),
            Some("suspicious")
        );
        assert_eq!(ip.geolocation.unwrap().country_code.as_deref(), Some("US"));
        assert_eq!(typed.user_intel, Some(true));
        assert_eq!(v["embargo"], false);
        assert!(v["domain_intel"]["reputation"]["category"].is_array());
    }

    #[test]
    fn every_user_has_one_to_three_places_and_a_browser() {
        let mut rng = fastrand::Rng::with_seed(1);
        for _ in 0..500 {
            let h = Habits::new(&mut rng);
            assert!((1..=3).contains(&h.places.len()));
            assert!(!PLACES[usize::from(h.places[0])].embargoed);
            assert!(!h.browsers.is_empty());
        }
    }
}
