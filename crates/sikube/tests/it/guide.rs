//! The guide matches the pages: every button, link and menu label a step names («…») is
//! on a page the task describes, seen by the role the guide page is written for, in the
//! demo city.
use crate::common::{self, TestApp};
use reqwest::Client;
use std::collections::HashSet;

/// The texts of the page's elements (buttons, links, menu items, options, labels), each
/// trimmed of the arrows and marks around it.
fn element_texts(html: &str) -> HashSet<String> {
    html.split('>')
        .filter_map(|part| part.split('<').next())
        .map(|t| {
            t.replace("&amp;", "&")
                .replace("&#39;", "'")
                .trim_matches(|c: char| c.is_whitespace() || "←→↓★✓·:".contains(c))
                .to_string()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// A page of the demo city as `who` sees it; "list >" opens the first record it links to.
async fn open(app: &TestApp, b: &Client, at: &str) -> String {
    let (path, follow) = match at.strip_suffix(" >") {
        Some(p) => (p, true),
        None => (at, false),
    };
    let html = app.page(b, path).await;
    if !follow {
        return html;
    }
    let body = html
        .split("<tbody>")
        .nth(1)
        .unwrap_or_else(|| panic!("no table at {path}"));
    let href = body
        .split("href=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .unwrap_or_else(|| panic!("no record listed at {path}"));
    app.page(b, &href.replace("&amp;", "&")).await
}

#[tokio::test]
async fn the_guide_names_what_the_pages_show() {
    let (app, _) = TestApp::spawn_demo(common::TEST_CLOCK).await;
    let anonymous = app.browser();
    let mut missing = Vec::new();
    let mut checked = 0;
    for page in web::guide::PAGES {
        let who = match page.slug {
            "operator" => "operator",
            "kepala-bidang" => "kabid",
            "pendamping" => "p.langensari",
            "auditor" => "auditor",
            _ => "admin",
        };
        let b = app.browser_login(who).await;
        for task in page.tasks {
            let labels = task.labels();
            assert!(
                labels.is_empty() || !task.at.is_empty(),
                "{}: names labels but no page",
                task.title
            );
            let mut seen = HashSet::new();
            for at in task.at {
                let client = if *at == "/login" { &anonymous } else { &b };
                seen.extend(element_texts(&open(&app, client, at).await));
            }
            for l in labels {
                checked += 1;
                if !seen.contains(l) {
                    missing.push(format!(
                        "{} · {}: «{l}» not on {:?}",
                        page.slug, task.title, task.at
                    ));
                }
            }
        }
    }
    assert!(checked > 40, "{checked} labels");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    // The glossary is on the guide, for every role.
    let b = app.browser_login("p.langensari").await;
    let guide = app.page(&b, "/guide/pendamping").await;
    assert!(guide.contains("id=\"glossary\"") && guide.contains("<dt>Perlu pendampingan</dt>"));
    assert!(guide.contains("<b class=\"ui\">Catat kunjungan</b>"));
    app.stop().await;
}
