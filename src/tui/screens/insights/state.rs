//! The Insights tab's state: the figures of the last walk, the bucket width, the
//! selected bar, and the query term each bar stands for.

use crate::clock;
use crate::investigate::insights::{country_term, device_term};
use crate::tui::command::Figures;

/// Time buckets of the logins chart.
pub use crate::investigate::Bucket;

/// Which chart a bar belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// Logins over time.
    Logins,
    /// Top countries.
    Countries,
    /// Top devices.
    Devices,
    /// Risk breakdown.
    Risk,
    /// Sessions expiring soon.
    Expiring,
}

/// One bar of the Insights tab and the query term it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// Its chart.
    pub chart: Chart,
    /// Its label.
    pub label: String,
    /// Its height.
    pub value: u64,
    /// What `Enter` adds to the query (None: nothing a query can ask).
    pub term: Option<String>,
}

/// Time buckets the logins chart shows (the latest).
pub const LOGIN_BARS: usize = 24;

/// The Insights tab: the figures, the bucket width and the selected bar.
#[derive(Debug, Clone)]
pub struct InsightsView {
    pub(crate) figures: Option<Figures>,
    pub(crate) bucket: Bucket,
    pub(crate) selected: usize,
}

impl Default for InsightsView {
    fn default() -> Self {
        Self {
            figures: None,
            bucket: Bucket::Hour,
            selected: 0,
        }
    }
}

impl InsightsView {
    /// The figures of the last complete walk.
    pub fn figures(&self) -> Option<&Figures> {
        self.figures.as_ref()
    }

    /// Per hour or per day.
    pub fn bucket(&self) -> Bucket {
        self.bucket
    }

    /// Index of the selected bar in [`InsightsView::bars`].
    pub fn selected_index(&self) -> usize {
        self.selected
    }

    /// Every bar, chart by chart, in the order drawn.
    pub fn bars(&self) -> Vec<Bar> {
        let Some(f) = &self.figures else {
            return Vec::new();
        };
        let mut bars = Vec::new();
        let (series, secs, fmt) = match self.bucket {
            Bucket::Hour => (&f.hours, 3_600, "%H:00"),
            Bucket::Day => (&f.days, 86_400, "%m-%d"),
        };
        let from = series.len().saturating_sub(LOGIN_BARS);
        for (start, n) in &series[from..] {
            let end = clock::shift(*start, secs * 1000);
            bars.push(Bar {
                chart: Chart::Logins,
                label: start.strftime(fmt).to_string(),
                value: *n,
                term: Some(format!("created>={start} created<{end}")),
            });
        }
        for (c, n) in &f.countries {
            bars.push(bar(Chart::Countries, c, *n, Some(country_term(c))));
        }
        for (d, n) in &f.devices {
            bars.push(bar(Chart::Devices, d, *n, Some(device_term(d))));
        }
        let r = &f.risk;
        for (label, n, term) in [
            ("malicious", r.malicious, Some("risk=malicious")),
            ("suspicious", r.suspicious, Some("risk=suspicious")),
            ("vpn", r.vpn, Some("vpn")),
            ("proxy", r.proxy, Some("proxy")),
            ("embargo", r.embargo, Some("embargo")),
            ("breached", r.breached, Some("breached")),
            ("not provided", r.not_provided, None),
        ] {
            bars.push(bar(Chart::Risk, label, n, term.map(str::to_string)));
        }
        let e = &f.expiring;
        for (label, n, term) in [
            ("1 hour", e.within_hour, "expire<now+1h"),
            ("1 day", e.within_day, "expire<now+1d"),
            ("1 week", e.within_week, "expire<now+1w"),
        ] {
            bars.push(bar(Chart::Expiring, label, n, Some(term.to_string())));
        }
        bars
    }
}

fn bar(chart: Chart, label: &str, value: u64, term: Option<String>) -> Bar {
    Bar {
        chart,
        label: label.to_string(),
        value,
        term,
    }
}
