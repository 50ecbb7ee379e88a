//! Reading a dictionary in the dictd format, as FreeDict ships them in
//! Debian (`/usr/share/dictd/freedict-eng-fra.index` and `.dict.dz`): an
//! index of `headword TAB offset TAB length` (offsets in dictd's base 64)
//! and a gzip-compressed body of entries. An entry is the headword line
//! (pronunciation, part of speech), then lines of translations: comma- or
//! semicolon-separated, numbered by sense (`1. accord, entente`).

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;

use crate::lang::Lang;

/// One dictionary entry: a headword and its translations as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The headword.
    pub headword: String,
    /// Its translations, one per sense or synonym.
    pub translations: Vec<String>,
}

/// The files of the FreeDict dictionary from `from` to the other language
/// in `dir`: the index and the body (`.dict.dz`, or `.dict`).
pub fn files(dir: &Path, from: Lang) -> (PathBuf, PathBuf) {
    let name = match from {
        Lang::English => "freedict-eng-fra",
        Lang::French => "freedict-fra-eng",
    };
    let index = dir.join(format!("{name}.index"));
    let compressed = dir.join(format!("{name}.dict.dz"));
    let body = if compressed.exists() {
        compressed
    } else {
        dir.join(format!("{name}.dict"))
    };
    (index, body)
}

/// Reads every entry of a dictionary. Errors name the file.
pub fn read(index: &Path, body: &Path) -> Result<Vec<Entry>, String> {
    let index_text = fs::read_to_string(index).map_err(|e| format!("{}: {e}", index.display()))?;
    let raw = fs::read(body).map_err(|e| format!("{}: {e}", body.display()))?;
    let body_bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 4);
        GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| format!("{}: {e}", body.display()))?;
        out
    } else {
        raw
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for line in index_text.lines() {
        let mut parts = line.split('\t');
        let (Some(headword), Some(offset), Some(length)) =
            (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if headword.starts_with("00database") || headword.starts_with("00-database") {
            continue;
        }
        let (Some(offset), Some(length)) = (base64(offset), base64(length)) else {
            return Err(format!(
                "{}: unreadable offset in line '{line}'",
                index.display()
            ));
        };
        let Some(bytes) = body_bytes.get(offset..offset.saturating_add(length)) else {
            return Err(format!(
                "{}: entry '{headword}' points past the end of {}",
                index.display(),
                body.display()
            ));
        };
        let translations = translations(&String::from_utf8_lossy(bytes));
        if translations.is_empty() {
            continue;
        }
        // A headword listed twice (two parts of speech) is one entry.
        match seen.get(headword) {
            Some(&at) => entries[at].translations.extend(translations),
            None => {
                seen.insert(headword.to_owned(), entries.len());
                entries.push(Entry {
                    headword: headword.to_owned(),
                    translations,
                });
            }
        }
    }
    Ok(entries)
}

/// A number in dictd's base 64 (`A`–`Z`, `a`–`z`, `0`–`9`, `+`, `/`).
fn base64(text: &str) -> Option<usize> {
    let mut n: usize = 0;
    for c in text.bytes() {
        let digit = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        n = n.checked_mul(64)?.checked_add(usize::from(digit))?;
    }
    (!text.is_empty()).then_some(n)
}

/// The translations of an entry's text: every line after the headword's,
/// sense numbers and parenthesised notes removed, split at commas and
/// semicolons.
fn translations(entry: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in entry.lines().skip(1) {
        let line = line.trim();
        let line = line
            .split_once(". ")
            .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .map_or(line, |(_, rest)| rest);
        let mut depth = 0usize;
        let cleaned: String = line
            .chars()
            .filter(|&c| match c {
                '(' | '[' | '<' => {
                    depth += 1;
                    false
                }
                ')' | ']' | '>' => {
                    depth = depth.saturating_sub(1);
                    false
                }
                _ => depth == 0,
            })
            .collect();
        for t in cleaned.split([',', ';']) {
            let t = t.trim();
            if !t.is_empty() && !out.iter().any(|o| o == t) {
                out.push(t.to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictd_numbers() {
        assert_eq!(base64("B"), Some(1));
        assert_eq!(base64("BA"), Some(64));
        assert_eq!(base64("mNP"), Some(38 * 64 * 64 + 13 * 64 + 15));
        assert_eq!(base64("a-b"), None);
        assert_eq!(base64(""), None);
    }

    #[test]
    fn entries_split_senses_and_drop_notes() {
        let entry = "accord /akɔʀ/ <n, masc>\n1. accord, accordance, agreement\n2. chord (music)\n";
        assert_eq!(
            translations(entry),
            ["accord", "accordance", "agreement", "chord"]
        );
        assert_eq!(translations("war /wɔː/\nguerre\n"), ["guerre"]);
    }

    #[test]
    fn reads_an_uncompressed_pair() {
        let dir = tempfile::tempdir().unwrap();
        let body = "guerre /gɛʀ/ <n, fem>\nwar\nconseil /kɔ̃sɛj/\nadvice, counsel\n";
        let conseil = body.find("conseil").unwrap();
        std::fs::write(dir.path().join("freedict-fra-eng.dict"), body).unwrap();
        let index = format!(
            "00databaseinfo\tA\tB\nconseil\t{}\t{}\nguerre\tA\t{}\n",
            to_base64(conseil),
            to_base64(body.len() - conseil),
            to_base64(conseil)
        );
        std::fs::write(dir.path().join("freedict-fra-eng.index"), index).unwrap();
        let (index, body) = files(dir.path(), Lang::French);
        let entries = read(&index, &body).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].headword, "conseil");
        assert_eq!(entries[0].translations, ["advice", "counsel"]);
        assert_eq!(entries[1].translations, ["war"]);
    }

    fn to_base64(mut n: usize) -> String {
        const DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        loop {
            out.push(DIGITS[n % 64]);
            n /= 64;
            if n == 0 {
                break;
            }
        }
        out.reverse();
        String::from_utf8(out).unwrap()
    }
}
