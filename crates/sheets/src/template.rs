//! Import templates an operator can fill without knowing codes: number-like columns
//! (NIK, KK, RT/RW, phone) formatted as text so no program rounds them, drop-down lists
//! of the allowed values, and a sheet of instructions — as XLSX and as ODS.
use crate::{Cell, SheetError};
use std::io::Write;

/// A column of an import template.
#[derive(Debug, Clone, Default)]
pub struct TemplateColumn {
    pub heading: String,
    /// Formatted as text: a 16-digit NIK typed here keeps every digit.
    pub text: bool,
    /// The values offered in a drop-down list (others may still be typed).
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Template {
    /// The sheet to fill in.
    pub sheet: String,
    pub columns: Vec<TemplateColumn>,
    /// A filled-in example row, shown under the instructions.
    pub example: Vec<Cell>,
    /// The name and lines of the instructions sheet.
    pub instructions_sheet: String,
    pub instructions: Vec<String>,
    /// The (hidden) sheet holding the drop-down lists.
    pub lists_sheet: String,
}

/// Rows of the data sheet that carry the lists and formats.
const ROWS: u32 = 2000;

fn err(e: impl std::fmt::Display) -> SheetError {
    SheetError::Write(e.to_string())
}

/// The column letters of column `i` (0 = A).
fn letters(i: usize) -> String {
    let mut n = i + 1;
    let mut s = String::new();
    while n > 0 {
        s.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// The XLSX template.
pub fn template_xlsx(t: &Template) -> Result<Vec<u8>, SheetError> {
    use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Format, Formula, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let plain = Format::new();
    let data = wb.add_worksheet();
    data.set_name(&t.sheet).map_err(err)?;
    let mut list_col = 0;
    for (c, col) in t.columns.iter().enumerate() {
        let c16 = c as u16;
        data.write_string_with_format(0, c16, &col.heading, &bold)
            .map_err(err)?;
        data.set_column_width(c16, (col.heading.chars().count().max(12) + 2) as f64)
            .map_err(err)?;
        if col.text {
            data.set_column_format(c16, &text).map_err(err)?;
            // Every cell too: LibreOffice does not apply an XLSX column's format to the
            // cells typed into it.
            for r in 2..=ROWS {
                data.write_blank(r, c16, &text).map_err(err)?;
            }
        }
        if !col.choices.is_empty() {
            let range = format!(
                "='{}'!${}$2:${}${}",
                t.lists_sheet,
                letters(list_col),
                letters(list_col),
                col.choices.len() + 1
            );
            let dv = DataValidation::new()
                .allow_list_formula(Formula::new(range))
                .ignore_blank(true)
                // Several categories in one cell, or a name not in the list, stay possible.
                .set_error_style(DataValidationErrorStyle::Information);
            data.add_data_validation(1, c16, ROWS, c16, &dv)
                .map_err(err)?;
            list_col += 1;
        }
    }
    data.set_freeze_panes(1, 0).map_err(err)?;
    let help = wb.add_worksheet();
    help.set_name(&t.instructions_sheet).map_err(err)?;
    help.set_column_width(0, 24).map_err(err)?;
    for (r, line) in t.instructions.iter().enumerate() {
        help.write_string(r as u32, 0, line).map_err(err)?;
    }
    // The example sits here, not on the data sheet: an example row left in place would be
    // imported as a person.
    let top = t.instructions.len() as u32 + 1;
    for (c, col) in t.columns.iter().enumerate() {
        help.write_string_with_format(top, c as u16, &col.heading, &bold)
            .map_err(err)?;
    }
    for (c, cell) in t.example.iter().enumerate() {
        let c16 = c as u16;
        match cell {
            Cell::Text(s) => {
                help.write_string_with_format(
                    top + 1,
                    c16,
                    s,
                    if t.columns[c].text { &text } else { &plain },
                )
                .map_err(err)?;
            }
            Cell::Int(i) => {
                help.write_number(top + 1, c16, *i as f64).map_err(err)?;
            }
            Cell::Date(s) => match crate::excel_serial(s) {
                Some(serial) => {
                    help.write_number_with_format(top + 1, c16, serial, &date)
                        .map_err(err)?;
                }
                None => {
                    help.write_string(top + 1, c16, s).map_err(err)?;
                }
            },
            Cell::Percent(_) | Cell::Empty => {}
        }
    }

    let lists = wb.add_worksheet();
    lists.set_name(&t.lists_sheet).map_err(err)?;
    for (c, col) in t
        .columns
        .iter()
        .filter(|c| !c.choices.is_empty())
        .enumerate()
    {
        lists
            .write_string_with_format(0, c as u16, &col.heading, &bold)
            .map_err(err)?;
        for (r, v) in col.choices.iter().enumerate() {
            lists
                .write_string((r + 1) as u32, c as u16, v)
                .map_err(err)?;
        }
    }
    lists.set_hidden(true);
    wb.save_to_buffer().map_err(err)
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A cell of an ODS table.
fn ods_cell(cell: &Cell, text_style: bool) -> String {
    let style = if text_style {
        " table:style-name=\"ctext\""
    } else {
        ""
    };
    match cell {
        Cell::Text(s) => format!(
            "<table:table-cell{style} office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
            xml(s)
        ),
        Cell::Int(i) => format!(
            "<table:table-cell office:value-type=\"float\" office:value=\"{i}\"><text:p>{i}</text:p></table:table-cell>"
        ),
        Cell::Date(d) => format!(
            "<table:table-cell table:style-name=\"cdate\" office:value-type=\"date\" office:date-value=\"{d}\"><text:p>{d}</text:p></table:table-cell>"
        ),
        Cell::Percent(_) | Cell::Empty => format!("<table:table-cell{style}/>"),
    }
}

/// The ODS template (OpenDocument spreadsheet, as LibreOffice Calc opens natively).
pub fn template_ods(t: &Template) -> Result<Vec<u8>, SheetError> {
    let mut validations = String::new();
    let mut columns = String::new();
    let mut list_col = 0;
    let mut col_validation = Vec::new();
    for (c, col) in t.columns.iter().enumerate() {
        let style = if col.text { "co-text" } else { "co" };
        let default = if col.text {
            " table:default-cell-style-name=\"ctext\""
        } else {
            ""
        };
        columns += &format!("<table:table-column table:style-name=\"{style}\"{default}/>");
        if col.choices.is_empty() {
            col_validation.push(None);
            continue;
        }
        let name = format!("daftar{c}");
        let l = letters(list_col);
        validations += &format!(
            "<table:content-validation table:name=\"{name}\" table:condition=\"of:cell-content-is-in-list([$'{}'.${l}$2:.${l}${}])\" table:allow-empty-cell=\"true\" table:display-list=\"unsorted\" table:base-cell-address=\"'{}'.{}2\"><table:error-message table:display=\"false\" table:message-type=\"information\"/></table:content-validation>",
            xml(&t.lists_sheet),
            col.choices.len() + 1,
            xml(&t.sheet),
            letters(c)
        );
        col_validation.push(Some(name));
        list_col += 1;
    }
    let header: String = t
        .columns
        .iter()
        .map(|c| format!("<table:table-cell table:style-name=\"cbold\" office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>", xml(&c.heading)))
        .collect();
    let example: String = t
        .example
        .iter()
        .enumerate()
        .map(|(c, cell)| {
            let s = ods_cell(cell, t.columns[c].text);
            match &col_validation[c] {
                Some(v) => s.replacen(
                    "<table:table-cell",
                    &format!("<table:table-cell table:content-validation-name=\"{v}\""),
                    1,
                ),
                None => s,
            }
        })
        .collect();
    // Empty rows that carry the lists and the text format, to be filled in.
    let blank: String = t
        .columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            let mut a = String::new();
            if col.text {
                a += " table:style-name=\"ctext\"";
            }
            if let Some(v) = &col_validation[c] {
                a += &format!(" table:content-validation-name=\"{v}\"");
            }
            format!("<table:table-cell{a}/>")
        })
        .collect();
    let help: String = t
        .instructions
        .iter()
        .map(|l| format!("<table:table-row><table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell></table:table-row>", xml(l)))
        .collect();
    let lists_cols: Vec<&TemplateColumn> =
        t.columns.iter().filter(|c| !c.choices.is_empty()).collect();
    let longest = lists_cols
        .iter()
        .map(|c| c.choices.len())
        .max()
        .unwrap_or(0);
    let mut lists = String::from("<table:table-row>");
    for c in &lists_cols {
        lists += &ods_cell(&Cell::Text(c.heading.clone()), false);
    }
    lists += "</table:table-row>";
    for r in 0..longest {
        lists += "<table:table-row>";
        for c in &lists_cols {
            lists += &c
                .choices
                .get(r)
                .map(|v| ods_cell(&Cell::Text(v.clone()), false))
                .unwrap_or_else(|| "<table:table-cell/>".into());
        }
        lists += "</table:table-row>";
    }
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.3">
<office:automatic-styles>
<number:text-style style:name="ntext"><number:text-content/></number:text-style>
<number:date-style style:name="ndate"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>
<style:style style:name="co" style:family="table-column"><style:table-column-properties style:column-width="1.3in"/></style:style>
<style:style style:name="co-text" style:family="table-column"><style:table-column-properties style:column-width="1.6in"/></style:style>
<style:style style:name="ctext" style:family="table-cell" style:data-style-name="ntext"/>
<style:style style:name="cdate" style:family="table-cell" style:data-style-name="ndate"/>
<style:style style:name="cbold" style:family="table-cell"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="tahidden" style:family="table"><style:table-properties table:display="false"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
<table:content-validations>{validations}</table:content-validations>
<table:table table:name="{sheet}">{columns}<table:table-row>{header}</table:table-row><table:table-row table:number-rows-repeated="{rows}">{blank}</table:table-row></table:table>
<table:table table:name="{help_name}"><table:table-column table:style-name="co"/>{help}<table:table-row/><table:table-row>{header}</table:table-row><table:table-row>{example}</table:table-row></table:table>
<table:table table:name="{lists_name}" table:style-name="tahidden">{lists}</table:table>
</office:spreadsheet></office:body></office:document-content>"#,
        sheet = xml(&t.sheet),
        rows = ROWS,
        help_name = xml(&t.instructions_sheet),
        lists_name = xml(&t.lists_sheet),
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    // The mimetype comes first and uncompressed: that is how a reader knows an ODS.
    zip.start_file("mimetype", stored).map_err(err)?;
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .map_err(err)?;
    zip.start_file("content.xml", deflated).map_err(err)?;
    zip.write_all(content.as_bytes()).map_err(err)?;
    zip.start_file("META-INF/manifest.xml", deflated)
        .map_err(err)?;
    zip.write_all(manifest.as_bytes()).map_err(err)?;
    Ok(zip.finish().map_err(err)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Template {
        Template {
            sheet: "Data".into(),
            columns: vec![
                TemplateColumn {
                    heading: "NIK".into(),
                    text: true,
                    choices: vec![],
                },
                TemplateColumn {
                    heading: "Jenis Kelamin".into(),
                    text: false,
                    choices: vec!["L".into(), "P".into()],
                },
                TemplateColumn {
                    heading: "Tanggal Lahir".into(),
                    text: false,
                    choices: vec![],
                },
            ],
            example: vec![
                Cell::Text("3279045708920003".into()),
                Cell::Text("P".into()),
                Cell::Date("1992-08-17".into()),
            ],
            instructions_sheet: "Petunjuk".into(),
            instructions: vec!["Isi satu baris per orang.".into()],
            lists_sheet: "Daftar".into(),
        }
    }

    #[test]
    fn both_templates_read_back_with_the_example_apart() {
        for bytes in [
            template_xlsx(&sample()).unwrap(),
            template_ods(&sample()).unwrap(),
        ] {
            let rows = crate::read_values(&bytes, &crate::Limits::UPLOAD, Some("Data")).unwrap();
            assert_eq!(rows[0][0], crate::Value::Text("NIK".into()));
            assert!(
                rows.iter().skip(1).all(|r| r.iter().all(|c| c.is_empty())),
                "no example to import"
            );
            let help =
                crate::read_values(&bytes, &crate::Limits::UPLOAD, Some("Petunjuk")).unwrap();
            let nik = crate::Value::Text("3279045708920003".into());
            let example = help
                .iter()
                .find(|r| r.first() == Some(&nik))
                .expect("the example under the instructions, its NIK as text");
            assert_eq!(example[2], crate::Value::Date("1992-08-17".into()));
            let names = crate::sheet_names(&bytes);
            assert_eq!(names, vec!["Data", "Petunjuk", "Daftar"]);
        }
    }
}
