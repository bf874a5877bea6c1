//! Uploaded files: the type is decided by the content, never by the name.
use crate::Msg;

/// Largest accepted file: 5 MB (a phone photo, a scanned letter).
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The MIME type of an accepted file (JPEG, PNG or PDF), from its first bytes.
pub fn sniff(bytes: &[u8]) -> Result<&'static str, Msg> {
    if bytes.is_empty() {
        return Err(Msg::new("attachment.empty"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(Msg::new("attachment.too_large").arg(MAX_BYTES / 1024 / 1024));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Ok("application/pdf")
    } else {
        Err(Msg::new("attachment.type"))
    }
}

/// A file name safe to store and to send back in a header.
pub fn clean_name(name: &str, mime: &str) -> String {
    let base: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "._- ".contains(*c))
        .take(80)
        .collect();
    let base = base.trim().trim_start_matches('.').to_string();
    let ext = match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "pdf",
    };
    let stem = base
        .rsplit_once('.')
        .map(|(s, _)| s.to_string())
        .unwrap_or(base);
    format!("{}.{ext}", if stem.is_empty() { "lampiran" } else { &stem })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn content_decides() {
        assert_eq!(sniff(b"%PDF-1.4 ...").unwrap(), "application/pdf");
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), "image/jpeg");
        assert_eq!(
            sniff(b"MZ\x90\x00 evil.exe").unwrap_err().key,
            "attachment.type"
        );
        assert_eq!(
            sniff(&vec![0u8; MAX_BYTES + 1]).unwrap_err().key,
            "attachment.too_large"
        );
        assert_eq!(
            clean_name("../../etc/passwd.jpg", "application/pdf"),
            "passwd.pdf"
        );
        assert_eq!(
            clean_name("foto kandang.JPG", "image/jpeg"),
            "foto kandang.jpg"
        );
        assert_eq!(clean_name("", "image/png"), "lampiran.png");
    }
}
