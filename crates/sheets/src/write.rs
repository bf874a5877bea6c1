//! Writing CSV and XLSX: cells as typed, formulas neutralised, large exports streamed.
use super::*;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// `YYYY-MM-DD`
    Date(String),
    /// A share (0.387 is 38.7%), written as a percentage.
    Percent(f64),
    Empty,
}

/// A text cell as a spreadsheet program may not take it for a formula (OWASP's rule):
/// text starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`,
/// unless it is a plain number (`-5`, `+62812…`), which no program runs.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = {
        let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
        !digits.is_empty()
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
            && digits.starts_with(|c: char| c.is_ascii_digit())
    };
    if risky && !number {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// Writes CSV; every text cell is neutralised against formula injection.
pub fn write_csv(header: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, SheetError> {
    let mut out = csv_rows(&[header.iter().map(|h| Cell::Text(h.to_string())).collect()])?;
    out.extend(csv_rows(rows)?);
    Ok(out)
}

/// A CSV as a spreadsheet program set to Indonesian opens it: `;` between fields (its list
/// separator; with `,` every line lands in one column) and a UTF-8 byte-order mark (else
/// names with non-ASCII letters are read as another code page).
/// Dates are written day first (`20-11-2026`) and percentages with a decimal comma, as
/// such a program reads them.
pub fn write_csv_local(header: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, SheetError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend(records(
        &[header.iter().map(|h| Cell::Text(h.to_string())).collect()],
        Csv::Local,
    )?);
    out.extend(records(rows, Csv::Local)?);
    Ok(out)
}

/// CSV lines of `rows` (no header): a part of a CSV written piece by piece.
pub fn csv_rows(rows: &[Vec<Cell>]) -> Result<Vec<u8>, SheetError> {
    records(rows, Csv::Plain)
}

/// [`csv_rows`] for a CSV begun with [`write_csv_local`].
pub fn csv_rows_local(rows: &[Vec<Cell>]) -> Result<Vec<u8>, SheetError> {
    records(rows, Csv::Local)
}

/// Plain CSV for programs (`,`, ISO dates, `38.7%`), or as an Indonesian-locale
/// spreadsheet program opens it.
#[derive(Clone, Copy, PartialEq)]
enum Csv {
    Plain,
    Local,
}

fn records(rows: &[Vec<Cell>], kind: Csv) -> Result<Vec<u8>, SheetError> {
    let local = kind == Csv::Local;
    let delimiter = if local { b';' } else { b',' };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    for r in rows {
        let rec: Vec<String> = r
            .iter()
            .map(|c| match c {
                Cell::Date(s) if local => day_first(s),
                Cell::Text(s) | Cell::Date(s) => neutralise(s).into_owned(),
                Cell::Int(i) => i.to_string(),
                Cell::Percent(p) if local => format!("{:.1}%", p * 100.0).replace('.', ","),
                Cell::Percent(p) => format!("{:.1}%", p * 100.0),
                Cell::Empty => String::new(),
            })
            .collect();
        w.write_record(&rec)
            .map_err(|e| SheetError::Write(e.to_string()))?;
    }
    w.into_inner().map_err(|e| SheetError::Write(e.to_string()))
}

pub fn write_xlsx(
    sheet_name: &str,
    header: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, SheetError> {
    let mut x = XlsxRows::new(sheet_name, header, false)?;
    x.add(rows)?;
    x.finish()
}

/// An XLSX table written a page of rows at a time. With `constant_memory` each row goes
/// to a temporary file as it is added, so a million-row export holds one page at a time.
pub struct XlsxRows {
    pub(super) wb: rust_xlsxwriter::Workbook,
    /// The sheet rows go to (the last one begun).
    pub(super) sheet: usize,
    pub(super) next: u32,
    pub(super) date: rust_xlsxwriter::Format,
    pub(super) percent: rust_xlsxwriter::Format,
}

pub(super) fn xerr(e: rust_xlsxwriter::XlsxError) -> SheetError {
    SheetError::Write(e.to_string())
}

impl XlsxRows {
    pub fn new(
        sheet_name: &str,
        header: &[&str],
        constant_memory: bool,
    ) -> Result<XlsxRows, SheetError> {
        use rust_xlsxwriter::{Format as XFormat, Workbook};
        let mut wb = Workbook::new();
        if constant_memory {
            wb.add_worksheet_with_constant_memory().map_err(xerr)?;
        } else {
            wb.add_worksheet();
        }
        let mut x = XlsxRows {
            wb,
            sheet: 0,
            next: 1,
            date: XFormat::new().set_num_format("yyyy-mm-dd"),
            percent: XFormat::new().set_num_format("0.0%"),
        };
        x.head(sheet_name, header)?;
        Ok(x)
    }

    /// Names the current sheet and writes its bold, frozen header row.
    fn head(&mut self, sheet_name: &str, header: &[&str]) -> Result<(), SheetError> {
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let ws = self.wb.worksheet_from_index(self.sheet).map_err(xerr)?;
        ws.set_name(sheet_name).map_err(xerr)?;
        for (c, h) in header.iter().enumerate() {
            ws.set_column_width(c as u16, (h.len().max(12) + 2) as f64)
                .map_err(xerr)?;
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(xerr)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xerr)?;
        Ok(())
    }

    /// Begins another sheet: the rows added next go under its header.
    pub fn sheet(&mut self, sheet_name: &str, header: &[&str]) -> Result<(), SheetError> {
        self.wb.add_worksheet();
        self.sheet += 1;
        self.next = 1;
        self.head(sheet_name, header)
    }

    /// Adds rows under those already added.
    pub fn add(&mut self, rows: &[Vec<Cell>]) -> Result<(), SheetError> {
        let ws = self.wb.worksheet_from_index(self.sheet).map_err(xerr)?;
        for row in rows {
            let r = self.next;
            self.next += 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, c, s).map_err(xerr)?;
                    }
                    Cell::Int(i) => {
                        ws.write_number(r, c, *i as f64).map_err(xerr)?;
                    }
                    Cell::Date(s) => match excel_serial(s) {
                        Some(serial) => {
                            ws.write_number_with_format(r, c, serial, &self.date)
                                .map_err(xerr)?;
                        }
                        None => {
                            ws.write_string(r, c, s).map_err(xerr)?;
                        }
                    },
                    Cell::Percent(p) => {
                        ws.write_number_with_format(r, c, *p, &self.percent)
                            .map_err(xerr)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<Vec<u8>, SheetError> {
        self.wb.save_to_buffer().map_err(xerr)
    }

    /// The file written to `out` (e.g. a temporary file, to be sent in pieces).
    pub fn finish_to(
        mut self,
        out: impl std::io::Write + std::io::Seek + Send,
    ) -> Result<(), SheetError> {
        self.wb.save_to_writer(out).map_err(xerr)
    }
}

/// `2026-11-20` as `20-11-2026`; anything else as it is.
fn day_first(iso: &str) -> String {
    match (iso.get(0..4), iso.get(5..7), iso.get(8..10)) {
        (Some(y), Some(m), Some(d)) if iso.len() == 10 && iso.as_bytes()[4] == b'-' => {
            format!("{d}-{m}-{y}")
        }
        _ => iso.to_string(),
    }
}

#[cfg(test)]
mod local_csv {
    use super::*;

    #[test]
    fn a_local_csv_is_as_an_indonesian_spreadsheet_reads_it() {
        let rows = vec![vec![
            Cell::Text("=1+1".into()),
            Cell::Date("2026-11-20".into()),
            Cell::Percent(0.387),
            Cell::Int(1510),
        ]];
        let out =
            String::from_utf8(write_csv_local(&["a", "b", "c", "d"], &rows).unwrap()).unwrap();
        assert_eq!(out, "\u{feff}a;b;c;d\n'=1+1;20-11-2026;38,7%;1510\n");
        let plain = String::from_utf8(csv_rows(&rows).unwrap()).unwrap();
        assert_eq!(plain, "'=1+1,2026-11-20,38.7%,1510\n");
    }
}
