//! A small PDF writer: A4 pages with text in the standard Helvetica fonts (every PDF
//! reader has them, so nothing is embedded and the text stays extractable) and lines.
//! Text is encoded as WinAnsi; characters outside it become `?`.

/// A4 in points.
pub const WIDTH: f64 = 595.28;
pub const HEIGHT: f64 = 841.89;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Font {
    Regular,
    Bold,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Default)]
pub struct Document {
    pages: Vec<Vec<u8>>,
    title: String,
    /// One JPEG image (the office's logo) usable on every page as `/Im1`.
    image: Option<Jpeg>,
}

/// A baseline JPEG, embedded as it is (DCTDecode).
#[derive(Clone, Debug)]
pub struct Jpeg {
    bytes: Vec<u8>,
    width: u32,
    height: u32,
    components: u8,
}

impl Jpeg {
    /// Reads the size from the frame header; `None` when the bytes are no usable JPEG.
    pub fn parse(bytes: &[u8]) -> Option<Jpeg> {
        if !bytes.starts_with(&[0xFF, 0xD8]) {
            return None;
        }
        let mut i = 2;
        while i + 9 < bytes.len() {
            if bytes[i] != 0xFF {
                return None;
            }
            let marker = bytes[i + 1];
            let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
            // SOF0..SOF3 carry height, width and the number of components.
            if (0xC0..=0xC3).contains(&marker) {
                let height = u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]) as u32;
                let width = u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]) as u32;
                let components = bytes[i + 9];
                if width == 0 || height == 0 || !matches!(components, 1 | 3) {
                    return None;
                }
                return Some(Jpeg {
                    bytes: bytes.to_vec(),
                    width,
                    height,
                    components,
                });
            }
            i += 2 + len;
        }
        None
    }
}

fn winansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '–' => 0x96,
            '—' => 0x97,
            '•' => 0x95,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            _ => b'?',
        })
        .collect()
}

fn escape(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    for &b in bytes {
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out
}

/// Approximate width of Helvetica text (average glyph widths), for alignment and wrapping.
pub fn text_width(s: &str, size: f64, font: Font) -> f64 {
    let per: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.25,
            ' ' | 'f' | 't' | 'r' | '(' | ')' | '-' | '/' | 'I' => 0.32,
            'm' | 'w' | 'M' | 'W' => 0.85,
            'A'..='Z' => 0.68,
            '0'..='9' => 0.556,
            _ => 0.52,
        })
        .sum();
    per * size * if font == Font::Bold { 1.06 } else { 1.0 }
}

/// Splits text into lines that fit `width`.
pub fn wrap(s: &str, width: f64, size: f64, font: Font) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size, font) > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

pub struct Page<'a> {
    doc: &'a mut Document,
    ops: Vec<u8>,
}

impl Document {
    pub fn new(title: &str) -> Document {
        Document {
            pages: Vec::new(),
            title: title.to_string(),
            image: None,
        }
    }

    /// Makes `image` available to [`Page::image`].
    pub fn with_image(mut self, image: Option<Jpeg>) -> Document {
        self.image = image;
        self
    }

    pub fn page(&mut self) -> Page<'_> {
        Page {
            doc: self,
            ops: Vec::new(),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::new();
        let n_pages = self.pages.len().max(1);
        // 1 catalog, 2 pages, 3 regular font, 4 bold font, 5 info, then page + content
        // pairs, then the image if any.
        let image_obj = 6 + n_pages * 2;
        let xobject = if self.image.is_some() {
            format!(" /XObject << /Im1 {image_obj} 0 R >>")
        } else {
            String::new()
        };
        let mut objects: Vec<Vec<u8>> = Vec::new();
        objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
        let kids: Vec<String> = (0..n_pages).map(|i| format!("{} 0 R", 6 + i * 2)).collect();
        objects.push(
            format!(
                "<< /Type /Pages /Kids [{}] /Count {n_pages} >>",
                kids.join(" ")
            )
            .into_bytes(),
        );
        objects.push(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
                .to_vec(),
        );
        objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec());
        let mut info = b"<< /Producer (sikube) /Title (".to_vec();
        info.extend(escape(&winansi(&self.title)));
        info.extend(b") >>");
        objects.push(info);
        let empty = Vec::new();
        for i in 0..n_pages {
            let content = self.pages.get(i).unwrap_or(&empty);
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >>{xobject} >> /Contents {} 0 R >>",
                    7 + i * 2
                )
                .into_bytes(),
            );
            let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
            stream.extend(content);
            stream.extend(b"\nendstream");
            objects.push(stream);
        }
        if let Some(img) = &self.image {
            let space = if img.components == 1 {
                "/DeviceGray"
            } else {
                "/DeviceRGB"
            };
            let mut o = format!(
                "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
                img.width,
                img.height,
                img.bytes.len()
            )
            .into_bytes();
            o.extend(&img.bytes);
            o.extend(b"\nendstream");
            objects.push(o);
        }
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend(body);
            out.extend(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
        for o in offsets {
            out.extend(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }
}

impl Page<'_> {
    /// Text with its baseline at `y` (points from the bottom).
    pub fn text(&mut self, x: f64, y: f64, size: f64, font: Font, align: Align, s: &str) {
        let w = text_width(s, size, font);
        let x = match align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        let f = if font == Font::Bold { "F2" } else { "F1" };
        self.ops
            .extend(format!("BT /{f} {size} Tf {x:.2} {y:.2} Td (").as_bytes());
        self.ops.extend(escape(&winansi(s)));
        self.ops.extend(b") Tj ET\n");
    }

    /// Draws the document's image with its lower-left corner at (x, y), `h` points high
    /// (the width follows the image's proportions). Nothing when there is no image.
    pub fn image(&mut self, x: f64, y: f64, h: f64) {
        if let Some(img) = &self.doc.image {
            let w = h * img.width as f64 / img.height as f64;
            self.ops
                .extend(format!("q {w:.2} 0 0 {h:.2} {x:.2} {y:.2} cm /Im1 Do Q\n").as_bytes());
        }
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, width: f64) {
        self.ops
            .extend(format!("{width} w {x1:.2} {y1:.2} m {x2:.2} {y2:.2} l S\n").as_bytes());
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, width: f64) {
        self.ops
            .extend(format!("{width} w {x:.2} {y:.2} {w:.2} {h:.2} re S\n").as_bytes());
    }

    /// Ends the page.
    pub fn finish(self) {
        self.doc.pages.push(self.ops);
    }
}

/// Extracts the text shown by `Tj` operators, in order (for tests and checks).
pub fn extract_text(pdf: &[u8]) -> String {
    // WinAnsi bytes read as Latin-1 keep every character of the ASCII range intact.
    let s: String = pdf.iter().map(|&b| b as char).collect();
    let mut out = Vec::new();
    for part in s.split(") Tj").take_while(|_| true) {
        if let Some(start) = part.rfind(" Td (") {
            out.push(
                part[start + 5..]
                    .replace("\\(", "(")
                    .replace("\\)", ")")
                    .replace("\\\\", "\\"),
            );
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_with_text_is_a_pdf() {
        let mut d = Document::new("BAST");
        let mut p = d.page();
        p.text(
            50.0,
            800.0,
            14.0,
            Font::Bold,
            Align::Left,
            "BERITA ACARA (SERAH) TERIMA",
        );
        p.text(
            300.0,
            780.0,
            10.0,
            Font::Regular,
            Align::Center,
            "Rp 150.000.000",
        );
        p.line(50.0, 770.0, 545.0, 770.0, 0.5);
        p.finish();
        let bytes = d.to_bytes();
        assert!(bytes.starts_with(b"%PDF-1.4"));
        assert!(bytes.ends_with(b"%%EOF\n"));
        let text = extract_text(&bytes);
        assert!(text.contains("BERITA ACARA (SERAH) TERIMA"));
        assert!(text.contains("Rp 150.000.000"));
    }

    #[test]
    fn jpeg_sizes_and_embedding() {
        // A minimal JFIF header followed by a SOF0 frame of 40×20, 3 components.
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        j.extend(b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00");
        j.extend([0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x14, 0x00, 0x28, 0x03]);
        j.extend([0u8; 20]);
        let img = Jpeg::parse(&j).unwrap();
        assert_eq!((img.width, img.height, img.components), (40, 20, 3));
        assert!(Jpeg::parse(b"\x89PNG").is_none());
        let mut d = Document::new("logo").with_image(Some(img));
        let mut p = d.page();
        p.image(50.0, 780.0, 40.0);
        p.finish();
        let bytes = d.to_bytes();
        let text: String = bytes.iter().map(|&b| b as char).collect();
        assert!(
            text.contains("/XObject << /Im1 8 0 R >>")
                && text.contains("/Filter /DCTDecode")
                && text.contains("/Im1 Do")
        );
    }

    #[test]
    fn wrapping() {
        let lines = wrap(
            "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh",
            100.0,
            10.0,
            Font::Regular,
        );
        assert!(lines.len() > 1);
        assert!(lines
            .iter()
            .all(|l| text_width(l, 10.0, Font::Regular) <= 100.0 || !l.contains(' ')));
    }
}
