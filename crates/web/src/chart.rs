//! Server-rendered SVG charts: no JavaScript, valid XML, colours by presentation
//! attributes (the CSP forbids inline styles).

pub struct Segment {
    pub value: i64,
    pub colour: &'static str,
    pub label: String,
}

pub struct Bar {
    pub label: String,
    pub href: String,
    pub segments: Vec<Segment>,
}

use std::borrow::Cow;
use std::fmt::{self, Write};

fn esc(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"']) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;"),
    )
}

/// A coordinate to one decimal, written from whole tenths: Rust's exact formatting of
/// `{:.1}` (falling back to its slow algorithm for many values) was a tenth of the CPU
/// a KUBE page took, whose trend chart writes some 150 coordinates.
struct Tenths(f64);

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = (self.0 * 10.0).round() as i64;
        let sign = if t < 0 { "-" } else { "" };
        let t = t.unsigned_abs();
        write!(f, "{sign}{}.{}", t / 10, t % 10)
    }
}

/// Labels longer than the label column are cut with an ellipsis (the link keeps all).
fn short(s: &str) -> String {
    if s.chars().count() > 24 {
        format!("{}…", s.chars().take(23).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Approximate width of `text` at `size` px (the charts use the browser's sans-serif).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.58
}

/// A legend of `(colour, label)` from `x` at `y`, wrapped at `width`; returns its height.
fn legend(svg: &mut String, items: &[(&str, &str)], x0: f64, y: f64, width: f64) -> f64 {
    let (mut x, mut row) = (x0, 0.0);
    for (colour, label) in items {
        let w = 14.0 + text_width(label, 12.0) + 14.0;
        if x > x0 && x + w > x0 + width {
            x = x0;
            row += 18.0;
        }
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#333\">{}</text>",
            Tenths(x),
            Tenths(y + row),
            Tenths(x + 14.0),
            Tenths(y + row + 10.0),
            esc(label)
        );
        x += w;
    }
    row + 18.0
}

/// Horizontal stacked bars, one per row, each linking to the list behind it, under a
/// legend of the segments' colours.
/// Counts are written in `lang`'s number form.
pub fn stacked_bars(title: &str, bars: &[Bar], lang: domain::Lang) -> String {
    let max = bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.value).sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, bar_w, row_h) = (170.0, 300.0, 26.0);
    let width = label_w + bar_w + 50.0;
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for s in bars.iter().flat_map(|b| &b.segments) {
        if !keys.iter().any(|k| k.1 == s.label) {
            keys.push((s.colour, &s.label));
        }
    }
    let mut body = String::new();
    let top = if keys.len() > 1 {
        legend(&mut body, &keys, 10.0, 4.0, width - 20.0) + 6.0
    } else {
        0.0
    };
    for (i, b) in bars.iter().enumerate() {
        let y = top + i as f64 * row_h + 5.0;
        let total: i64 = b.segments.iter().map(|s| s.value).sum();
        let _ = write!(body, "<a href=\"{}\">", esc(&b.href));
        let _ = write!(
            body,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#333\">{}</text>",
            label_w - 6.0,
            y + 15.0,
            esc(&short(&b.label))
        );
        let mut x = label_w;
        for s in b.segments.iter().filter(|s| s.value > 0) {
            let w = s.value as f64 / max as f64 * bar_w;
            let _ = write!(
                body,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{h}\" fill=\"{c}\"><title>{l}: {v}</title></rect>",
                Tenths(x),
                Tenths(y),
                Tenths(w),
                h = row_h - 8.0,
                c = s.colour,
                l = esc(&s.label),
                v = domain::numbers::count(s.value, lang)
            );
            x += w;
        }
        let _ = write!(
            body,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#333\">{}</text></a>",
            Tenths(x + 4.0),
            y + 15.0,
            domain::numbers::count(total, lang)
        );
    }
    let height = top + bars.len() as f64 * row_h + 10.0;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{t}\" class=\"chart\">{body}</svg>",
        t = esc(title)
    )
}

/// A line of a [`lines`] chart.
pub struct Series {
    pub label: String,
    pub colour: &'static str,
    /// One value per x label; `None` leaves a gap (e.g. months still to come).
    pub values: Vec<Option<i64>>,
}

/// Rupiah in a few characters for an axis: "Rp 2,5 jt", "Rp 300 jt", "Rp 1,2 M".
pub fn short_rupiah(v: i64) -> String {
    let (sign, a) = if v < 0 {
        ("-", -(v as f64))
    } else {
        ("", v as f64)
    };
    let (x, unit) = if a >= 1e9 {
        (a / 1e9, " M")
    } else if a >= 1e6 {
        (a / 1e6, " jt")
    } else if a >= 1e3 {
        (a / 1e3, " rb")
    } else {
        (a, "")
    };
    let n = if x >= 10.0 || x.fract() < 0.05 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}").replace('.', ",")
    };
    format!("{sign}Rp {n}{unit}")
}

/// A round step (1, 2, 2.5 or 5 times a power of ten) at or above `v`.
fn nice_step(v: i64) -> i64 {
    if v <= 0 {
        return 1;
    }
    let mut p = 1i64;
    while p.saturating_mul(10) <= v {
        p *= 10;
    }
    [10, 20, 25, 50, 100]
        .iter()
        .map(|m| (m * p / 10).max(1))
        .find(|c| *c >= v)
        .unwrap_or(v)
}

/// Lines over labelled points (rupiah on the y axis), with a legend and, optionally, a
/// dashed reference line such as a budget. Each point carries its value as a tooltip.
pub fn lines(
    title: &str,
    x_labels: &[String],
    series: &[Series],
    reference: Option<(&str, i64)>,
) -> String {
    let (width, height) = (640.0, 240.0);
    let (left, right, bottom) = (78.0, 32.0, 28.0);
    let mut keys: Vec<(&str, &str)> = series
        .iter()
        .map(|s| (s.colour, s.label.as_str()))
        .collect();
    if let Some((label, _)) = reference {
        keys.push(("#c62828", label));
    }
    let mut body = String::new();
    let top = legend(&mut body, &keys, left, 6.0, width - left - right) + 10.0;
    let values = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied());
    let hi = values
        .clone()
        .chain(reference.map(|r| r.1))
        .max()
        .unwrap_or(0)
        .max(0);
    let lo = values.min().unwrap_or(0).min(0);
    // Four or so gridlines at round values.
    let step = nice_step((hi - lo + 3) / 4);
    let top_v = (hi + step - 1).div_euclid(step).max(1) * step;
    let bottom_v = lo.div_euclid(step) * step;
    let plot_h = height - top - bottom;
    let plot_w = width - left - right;
    let y_of = |v: i64| top + (top_v - v) as f64 / (top_v - bottom_v).max(1) as f64 * plot_h;
    let n = x_labels.len().max(1);
    let x_of = |i: usize| {
        left + if n == 1 {
            plot_w / 2.0
        } else {
            i as f64 * plot_w / (n - 1) as f64
        }
    };
    for v in (0..=(top_v - bottom_v) / step).map(|k| bottom_v + k * step) {
        let y = y_of(v);
        let (y, x2) = (Tenths(y), Tenths(width - right));
        let _ = write!(
            body,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"{}\" stroke-width=\"1\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">{}</text>",
            if v == 0 { "#999" } else { "#e0e0e0" },
            Tenths(left - 6.0),
            Tenths(y.0 + 4.0),
            esc(&short_rupiah(v))
        );
    }
    // Labels at least ~56 px apart.
    let step = ((56.0 * (n - 1).max(1) as f64 / plot_w).ceil() as usize).max(1);
    for (i, l) in x_labels.iter().enumerate() {
        if i % step == 0 || i + 1 == n {
            let _ = write!(
                body,
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
                Tenths(x_of(i)),
                Tenths(height - 8.0),
                esc(l)
            );
        }
    }
    if let Some((label, v)) = reference {
        let y = y_of(v);
        let (y, x2) = (Tenths(y), Tenths(width - right));
        let _ = write!(
            body,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#c62828\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"><title>{}: {}</title></line>",
            esc(label),
            esc(&short_rupiah(v))
        );
    }
    for s in series {
        let points: Vec<(usize, i64)> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .collect();
        body += "<polyline points=\"";
        for (k, &(i, v)) in points.iter().enumerate() {
            let sep = if k > 0 { " " } else { "" };
            let _ = write!(body, "{sep}{},{}", Tenths(x_of(i)), Tenths(y_of(v)));
        }
        let _ = write!(
            body,
            "\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
            s.colour
        );
        for &(i, v) in &points {
            let _ = write!(
                body,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"><title>{} {}: {}</title></circle>",
                Tenths(x_of(i)),
                Tenths(y_of(v)),
                s.colour,
                esc(&x_labels[i]),
                esc(&s.label),
                // Digits, dots and "Rp": nothing to escape.
                domain::money::Rupiah::new(v)
            );
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{t}\" class=\"chart wide\">{body}</svg>",
        t = esc(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn bars_are_xml_with_links() {
        let svg = stacked_bars(
            "KUBE <per> kecamatan",
            &[Bar {
                label: "Langensari & co".into(),
                href: "/kube?a=1&b=2".into(),
                segments: vec![Segment {
                    value: 3,
                    colour: "#2e7d32",
                    label: "Berjalan".into(),
                }],
            }],
            domain::Lang::Id,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Langensari &amp; co") && svg.contains("/kube?a=1&amp;b=2"));
        assert!(!svg.contains("style="));
        assert!(well_formed(&svg), "{svg}");
    }

    #[test]
    fn bars_have_a_legend_of_their_colours() {
        let seg = |v, c, l: &str| Segment {
            value: v,
            colour: c,
            label: l.into(),
        };
        let svg = stacked_bars(
            "status",
            &[
                Bar {
                    label: "A".into(),
                    href: "/a".into(),
                    segments: vec![
                        seg(2, "#2e7d32", "Berjalan"),
                        seg(1, "#f9a825", "Perlu pendampingan"),
                    ],
                },
                Bar {
                    label: "B".into(),
                    href: "/b".into(),
                    segments: vec![
                        seg(0, "#2e7d32", "Berjalan"),
                        seg(4, "#f9a825", "Perlu pendampingan"),
                    ],
                },
            ],
            domain::Lang::Id,
        );
        assert_eq!(svg.matches(">Berjalan</text>").count(), 1, "{svg}");
        assert_eq!(svg.matches(">Perlu pendampingan</text>").count(), 1);
        assert!(well_formed(&svg), "{svg}");
    }

    #[test]
    fn lines_plot_every_point_with_gaps_and_a_reference() {
        let labels: Vec<String> = ["Jan", "Feb", "Mar", "Apr"].map(String::from).to_vec();
        let svg = lines(
            "anggaran <2026>",
            &labels,
            &[
                Series {
                    label: "Omzet".into(),
                    colour: "#1e88e5",
                    values: vec![Some(1_000_000), Some(2_500_000), None, None],
                },
                Series {
                    label: "Laba".into(),
                    colour: "#2e7d32",
                    values: vec![Some(-200_000), Some(300_000), Some(400_000), Some(0)],
                },
            ],
            Some(("Pagu", 3_000_000)),
        );
        assert_eq!(svg.matches("<circle").count(), 6);
        assert!(svg.contains("stroke-dasharray") && svg.contains(">Pagu</text>"));
        assert!(svg.contains("Rp 2.500.000") && svg.contains("anggaran &lt;2026&gt;"));
        assert!(!svg.contains("style="));
        assert!(well_formed(&svg), "{svg}");
    }

    #[test]
    fn rupiah_on_an_axis_is_short() {
        assert_eq!(short_rupiah(2_500_000), "Rp 2,5 jt");
        assert_eq!(short_rupiah(300_000_000), "Rp 300 jt");
        assert_eq!(short_rupiah(1_250_000_000), "Rp 1,2 M");
        assert_eq!(short_rupiah(-500_000), "-Rp 500 rb");
        assert_eq!(short_rupiah(0), "Rp 0");
        assert_eq!(nice_step(7_500_000), 10_000_000);
        assert_eq!(nice_step(2_100_000), 2_500_000);
        assert_eq!(nice_step(75_000_001), 100_000_000);
        assert_eq!(nice_step(3), 5);
        assert_eq!(nice_step(100), 100);
    }

    /// Tags open and close in order; attribute values are quoted; no bare `&` or `<`.
    fn well_formed(xml: &str) -> bool {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = xml;
        while let Some(i) = rest.find('<') {
            let text = &rest[..i];
            if text.contains('<')
                || text.split('&').skip(1).any(|t| {
                    !["amp;", "lt;", "gt;", "quot;"]
                        .iter()
                        .any(|e| t.starts_with(e))
                })
            {
                return false;
            }
            let Some(j) = rest[i..].find('>') else {
                return false;
            };
            let tag = &rest[i + 1..i + j];
            if !tag.matches('"').count().is_multiple_of(2) {
                return false;
            }
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop().as_deref() != Some(name) {
                    return false;
                }
            } else if !tag.ends_with('/') {
                stack.push(tag.split_whitespace().next().unwrap_or("").to_string());
            }
            rest = &rest[i + j + 1..];
        }
        stack.is_empty()
    }
}
