//! Writing a checked plan, and the rejected rows as a file to fix and re-import.
use super::*;

/// Writes the plan. All-or-nothing writes nothing when any row has an error.
/// Returns how many persons or KUBE were written.
pub async fn commit(
    cx: &Context,
    c: &Caller,
    plan: &mut Plan,
    mode: Mode,
    source: &str,
) -> Result<usize> {
    c.require_write()?;
    if mode == Mode::All && !plan.errors.is_empty() {
        return Ok(0);
    }
    let actor = c.actor.clone();
    match &plan.ready {
        Ready::Dtsen(rows) => {
            // The extract's period: the one most of its rows carry.
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for (_, _, _, p) in rows {
                *counts.entry(p.as_str()).or_default() += 1;
            }
            let Some((period, _)) = counts.into_iter().max_by_key(|(p, n)| (*n, *p)) else {
                return Ok(0);
            };
            let matched: Vec<(i64, i32, String)> = rows
                .iter()
                .map(|(_, id, d, p)| (*id, *d, p.clone()))
                .collect();
            let period = period.to_string();
            let (n, absent) = cx.store.dtsen_apply(&actor, &period, &matched).await?;
            plan.dtsen_absent = Some(absent);
            Ok(n)
        }
        Ready::Persons(rows, ps) => {
            if ps.is_empty() {
                return Ok(0);
            }
            match cx.store.person_create_many(&actor, ps, source).await {
                Ok(ids) => Ok(ids.len()),
                // Registered by someone else since the preview: nothing was written.
                Err(crate::store::StoreError::Conflict { field, msg }) => {
                    let idx: usize = field
                        .trim_start_matches("nik[")
                        .trim_end_matches(']')
                        .parse()
                        .unwrap_or(0);
                    let row = rows.get(idx).copied().unwrap_or(0);
                    plan.errors.push(RowError {
                        row,
                        column: "nik".into(),
                        msg,
                    });
                    Ok(0)
                }
                Err(e) => Err(e.into()),
            }
        }
        Ready::Kube(groups) => {
            let region = &cx.settings.region;
            if mode == Mode::All {
                let gs: Vec<(ValidKube, Vec<NewMember>)> = groups
                    .iter()
                    .map(|(_, k, m)| (k.clone(), m.clone()))
                    .collect();
                match cx.store.kube_create_many(&actor, region, &gs).await {
                    Ok(ids) => Ok(ids.len()),
                    Err((i, e)) => {
                        let (msg, column) = match e {
                            crate::store::StoreError::Conflict { msg, .. } => (msg, "member_nik"),
                            crate::store::StoreError::Invalid(inv) => (
                                inv.fields
                                    .into_values()
                                    .next()
                                    .unwrap_or(Msg::new("error.validation")),
                                "kube_name",
                            ),
                            e => return Err(e.into()),
                        };
                        for r in &groups[i].0 {
                            plan.errors.push(RowError {
                                row: *r,
                                column: column.into(),
                                msg: msg.clone(),
                            });
                        }
                        Ok(0)
                    }
                }
            } else {
                let mut made = 0;
                let mut failed = Vec::new();
                for (rows, k, m) in groups {
                    match cx.store.kube_create(&actor, region, k, m, None, &[]).await {
                        Ok(_) => made += 1,
                        Err(crate::store::StoreError::Conflict { msg, .. }) => {
                            failed.extend(rows.iter().map(|r| RowError {
                                row: *r,
                                column: "member_nik".into(),
                                msg: msg.clone(),
                            }))
                        }
                        Err(crate::store::StoreError::Invalid(inv)) => {
                            failed.extend(rows.iter().map(|r| {
                                RowError {
                                    row: *r,
                                    column: "kube_name".into(),
                                    msg: inv
                                        .fields
                                        .values()
                                        .next()
                                        .cloned()
                                        .unwrap_or(Msg::new("error.validation")),
                                }
                            }))
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                plan.errors.extend(failed);
                Ok(made)
            }
        }
    }
}

/// The rejected rows as a file to fix and re-import: the original columns and the reason.
pub fn rejected(plan: &Plan, lang: Lang, xlsx: bool) -> Result<Vec<u8>> {
    let header_row: Vec<String> = plan
        .table
        .get(plan.header)
        .map(|r| r.iter().map(Cell::text).collect())
        .unwrap_or_default();
    let mut header: Vec<&str> = header_row.iter().map(String::as_str).collect();
    let reason_col = lang.t("import.reason");
    header.push(reason_col);
    let mut by_row: HashMap<usize, Vec<String>> = HashMap::new();
    for e in &plan.errors {
        by_row
            .entry(e.row)
            .or_default()
            .push(format!("{}: {}", e.column, e.msg.text(lang)));
    }
    let mut rows: Vec<usize> = by_row.keys().copied().collect();
    rows.sort();
    let data: Vec<Vec<sheets::Cell>> = rows
        .iter()
        .filter_map(|r| {
            // As the office typed them: text stays text, so a NIK keeps every digit.
            let mut cells: Vec<sheets::Cell> = plan
                .table
                .get(r - 1)?
                .iter()
                .map(|c| match c {
                    Cell::Empty => sheets::Cell::Empty,
                    Cell::Date(d) => sheets::Cell::Date(d.format("%Y-%m-%d").to_string()),
                    other => sheets::Cell::Text(other.text()),
                })
                .collect();
            cells.resize(header.len() - 1, sheets::Cell::Empty);
            cells.push(sheets::Cell::Text(by_row[r].join("; ")));
            Some(cells)
        })
        .collect();
    let out = if xlsx {
        sheets::write_xlsx("Ditolak", &header, &data)
    } else {
        sheets::write_csv(&header, &data)
    };
    out.map_err(|e| {
        tracing::error!(error = %e, "rejected rows file");
        Error::Internal
    })
}
