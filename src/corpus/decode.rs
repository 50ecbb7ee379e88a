//! Turning a file's bytes into text: UTF-8 with or without BOM, UTF-16 with
//! a BOM, Windows-1252 for the rest, and binary files refused. Control
//! characters other than tab, line breaks and form feed are removed: they
//! are not text, and must not reach a terminal.

/// What decoding made of a file.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded {
    /// Valid UTF-8 (a BOM, if any, removed).
    Utf8(String),
    /// Not UTF-8: decoded as Windows-1252.
    Windows1252(String),
    /// Looks binary (NUL bytes or many control characters): not text.
    Binary,
}

/// Decodes a source file's bytes.
pub fn decode(bytes: &[u8]) -> Decoded {
    for (bom, encoding) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(body) = bytes.strip_prefix(bom) {
            let (text, malformed) = encoding.decode_without_bom_handling(body);
            return if malformed || looks_binary(text.as_bytes()) {
                Decoded::Binary
            } else {
                Decoded::Utf8(without_controls(&text))
            };
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if looks_binary(bytes) {
        return Decoded::Binary;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded::Utf8(without_controls(text)),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Decoded::Windows1252(without_controls(&text))
        }
    }
}

/// The text without control characters but tab, line breaks and form feed.
fn without_controls(text: &str) -> String {
    text.chars()
        .filter(|&c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0C'))
        .collect()
}

/// A NUL byte in the first 8 KiB, or more than 10 % control characters
/// other than tab, line feed, carriage return and form feed.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    !head.is_empty() && controls * 10 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("élan".as_bytes()), Decoded::Utf8("élan".into()));
        assert_eq!(
            decode(b"\xEF\xBB\xBF\xC3\xA9lan"),
            Decoded::Utf8("élan".into())
        );
    }

    #[test]
    fn latin_bytes_are_windows_1252() {
        assert_eq!(
            decode(b"l\x92\xE9largissement"),
            Decoded::Windows1252("l’élargissement".into())
        );
    }

    #[test]
    fn utf16_with_a_bom() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("élan".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("élan".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&le), Decoded::Utf8("élan".into()));
        assert_eq!(decode(&be), Decoded::Utf8("élan".into()));
    }

    #[test]
    fn control_characters_go() {
        assert_eq!(
            decode(b"Le texte a\x1b[31mb\x07c\x08\td\x0Ce\r\n de la page suivante."),
            Decoded::Utf8("Le texte a[31mbc\td\x0Ce\r\n de la page suivante.".into())
        );
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Decoded::Binary);
    }
}
