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

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Labels longer than the label column are cut with an ellipsis (the link keeps all).
fn short(s: &str) -> String {
    if s.chars().count() > 24 {
        format!("{}…", s.chars().take(23).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Horizontal stacked bars, one per row, each linking to the list behind it.
pub fn stacked_bars(title: &str, bars: &[Bar]) -> String {
    let max = bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.value).sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, bar_w, row_h) = (170.0, 300.0, 26.0);
    let height = bars.len() as f64 * row_h + 10.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {height}\" width=\"100%\" role=\"img\" aria-label=\"{t}\" class=\"chart\">",
        w = label_w + bar_w + 50.0,
        t = esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let total: i64 = b.segments.iter().map(|s| s.value).sum();
        svg += &format!("<a href=\"{}\">", esc(&b.href));
        svg += &format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#333\">{}</text>",
            label_w - 6.0,
            y + 15.0,
            esc(&short(&b.label))
        );
        let mut x = label_w;
        for s in b.segments.iter().filter(|s| s.value > 0) {
            let w = s.value as f64 / max as f64 * bar_w;
            svg += &format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h}\" fill=\"{c}\"><title>{l}: {v}</title></rect>",
                h = row_h - 8.0,
                c = s.colour,
                l = esc(&s.label),
                v = s.value
            );
            x += w;
        }
        svg += &format!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"12\" fill=\"#333\">{total}</text></a>",
            x + 4.0,
            y + 15.0
        );
    }
    svg + "</svg>"
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
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Langensari &amp; co") && svg.contains("/kube?a=1&amp;b=2"));
        assert!(!svg.contains("style="));
        assert!(well_formed(&svg), "{svg}");
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
