//! Document keys: the `DOC` of passage ids and the citation key. A key is
//! the manifest's `id`, or the file's path as a slug; it stays unique in an
//! index, and follows a renamed file only when it came from the path.

use std::collections::HashSet;

/// A lowercase ASCII key: accents folded, every run of other characters
/// turned into one `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut folded = String::new();
    for c in text.chars() {
        folded.clear();
        fold_char(c, &mut folded);
        for f in folded.chars() {
            if f.is_ascii_alphanumeric() {
                out.push(f.to_ascii_lowercase());
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn fold_char(c: char, out: &mut String) {
    let s = match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => "a",
        'ç' | 'Ç' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' | 'Í' | 'Ì' => "i",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'ø' | 'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ÿ' | 'ý' | 'Ÿ' | 'Ý' => "y",
        'ñ' | 'Ñ' => "n",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        'ß' => "ss",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(s);
}

/// The document key a path gets when the manifest gives no `id`: the path
/// without its extension, as a slug (`notes/Élan.md` → `notes-elan`).
pub fn default_key(rel: &str) -> String {
    let stem = rel.rsplit_once('.').map_or(rel, |(stem, _)| stem);
    let key = slug(stem);
    if key.is_empty() {
        "doc".to_owned()
    } else {
        key
    }
}

/// `key`, or `key-2`, `key-3`… when it is taken; the result is taken.
pub fn unique_key(key: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = key.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{key}-{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// The key a renamed document takes: a key derived from the old path
/// follows the new path; a key from the manifest stays.
pub fn rename_key(key: &str, old_rel: &str, new_rel: &str) -> String {
    if key == default_key(old_rel) {
        default_key(new_rel)
    } else {
        key.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Élargissement de l’OTAN"), "elargissement-de-l-otan");
        assert_eq!(default_key("notes/Œuvre 1.md"), "notes-oeuvre-1");
        assert_eq!(default_key("???.txt"), "doc");
    }

    #[test]
    fn unique_and_renamed_keys() {
        let mut taken = HashSet::from(["a".to_owned()]);
        assert_eq!(unique_key("a".into(), &mut taken), "a-2");
        assert_eq!(unique_key("a".into(), &mut taken), "a-3");
        assert_eq!(unique_key("b".into(), &mut taken), "b");
        assert_eq!(rename_key("old-name", "old name.txt", "new.txt"), "new");
        assert_eq!(rename_key("tf1-2021", "old.txt", "new.txt"), "tf1-2021");
    }
}
