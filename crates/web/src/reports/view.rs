//! How a report is shown: its query, its chart and its subtitle (the contents are
//! `app::reports`).
use super::*;
use app::reports::Report;

#[derive(Deserialize, IntoParams, Default, Clone)]
pub struct ReportQuery {
    /// `html` (page), `xlsx`, `pdf` or `json`.
    pub format: Option<String>,
    /// Year (an empty value means all years).
    pub year: Option<String>,
    pub district_code: Option<String>,
}

impl ReportQuery {
    pub(super) fn year(&self) -> Option<i64> {
        self.year.as_deref().and_then(|y| y.trim().parse().ok())
    }
    pub(super) fn filter(&self) -> app::reports::Filter {
        app::reports::Filter {
            year: self.year(),
            district_code: self.district_code.clone(),
        }
    }
}

pub(super) fn chart(r: &Report, lang: Lang) -> String {
    let Some((label, values)) = &r.chart else {
        return String::new();
    };
    const COLOURS: [&str; 5] = ["#2e7d32", "#f9a825", "#c62828", "#9e9e9e", "#1e88e5"];
    // Rows with the same label (e.g. a kecamatan) are added up.
    let mut bars: Vec<Bar> = Vec::new();
    for (_, row) in r
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| !r.totals.contains(i))
    {
        let name = text_of(&row[*label], Kind::Text, domain::Lang::Id);
        let segs: Vec<i64> = values
            .iter()
            .map(|&i| {
                if let Cell::Int(v) = row[i] {
                    v.max(0)
                } else {
                    0
                }
            })
            .collect();
        match bars.iter_mut().find(|b| b.label == name) {
            Some(b) => {
                for (s, v) in b.segments.iter_mut().zip(&segs) {
                    s.value += v;
                }
            }
            None => bars.push(Bar {
                label: name,
                href: String::new(),
                segments: segs
                    .iter()
                    .enumerate()
                    .map(|(k, v)| Segment {
                        value: *v,
                        colour: COLOURS[k % COLOURS.len()],
                        label: r.columns[values[k]].0.clone(),
                    })
                    .collect(),
            }),
        }
    }
    bars.truncate(40);
    stacked_bars(&r.title, &bars, lang)
}

pub(super) fn subtitle(q: &ReportQuery, state: &AppState, lang: Lang) -> String {
    let mut parts = vec![format!(
        "{} {}",
        lang.t("report.made_on"),
        domain::aid::tanggal(state.today())
    )];
    if let Some(y) = q.year() {
        parts.push(format!("{} {y}", lang.t("kube.filter_year")));
    }
    if let Some(d) = q.district_code.as_deref().filter(|d| !d.is_empty()) {
        parts.push(state.areas.name(d).to_string());
    }
    parts.join(" · ")
}
