//! Walking the corpus again from what the last walk found: a directory
//! whose modification time stands has the same entries as then, so only
//! its files are statted; a directory that changed is read again, and a
//! directory the last walk did not know is walked whole.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;

use super::{is_source, mtime_ns, walk, SourceFile, Walk};
use crate::error::{Result, Warning};

/// What the last walk found.
pub struct Known<'a> {
    /// Its directories and their times.
    pub dirs: &'a BTreeMap<String, u64>,
    /// Its source files (corpus-relative paths).
    pub files: Vec<&'a str>,
    /// Whether a time can be trusted to stand for the content (not too
    /// close to the last walk).
    pub trusted: &'a dyn Fn(u64) -> bool,
}

/// Walks the corpus, reading again only the directories that changed since
/// `known` was walked. Without known directories, or where a full walk
/// would see something else (a new link to a directory, which may loop; a
/// name that is not Unicode), a full walk.
pub fn rewalk(corpus: &Path, known: &Known<'_>, warnings: &mut Vec<Warning>) -> Result<Walk> {
    if known.dirs.is_empty() {
        return walk(corpus, warnings);
    }
    super::check_corpus(corpus)?;
    let mut said = Vec::new();
    match rewalk_known(corpus, known, &mut said)? {
        Some(walked) => {
            warnings.append(&mut said);
            Ok(walked)
        }
        None => walk(corpus, warnings),
    }
}

/// The rewalk proper; `None` where a full walk is needed.
fn rewalk_known(
    corpus: &Path,
    known: &Known<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Walk>> {
    let mut by_dir: HashMap<&str, Vec<&str>> = HashMap::new();
    for rel in &known.files {
        let dir = rel.rsplit_once('/').map_or("", |(dir, _)| dir);
        by_dir.entry(dir).or_default().push(rel);
    }
    let mut out = Walk::default();
    let mut unchanged_dirs: Vec<&str> = Vec::new();
    let abs = |rel: &str| {
        if rel.is_empty() {
            corpus.to_path_buf()
        } else {
            corpus.join(rel)
        }
    };
    for (dir, &mtime) in known.dirs {
        let meta = match std::fs::metadata(abs(dir)) {
            Ok(meta) => meta,
            // Gone, with its files.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => continue,
            Err(e) => {
                warnings.push(Warning::file(abs(dir), format!("skipped: {e}")).as_error());
                continue;
            }
        };
        if !meta.is_dir() {
            continue;
        }
        let now = mtime_ns(&meta);
        if now == mtime && (known.trusted)(mtime) {
            out.dirs.insert(dir.clone(), now);
            unchanged_dirs.extend(by_dir.get(dir.as_str()).into_iter().flatten());
            continue;
        }
        let path = abs(dir);
        let entries = match std::fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(e) => {
                warnings.push(Warning::file(&path, format!("skipped: {e}")).as_error());
                continue;
            }
        };
        out.dirs.insert(dir.clone(), now);
        for entry in entries.flatten() {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                return Ok(None);
            };
            if name.starts_with('.') {
                continue;
            }
            let rel = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            let entry_path = entry.path();
            let link = entry.file_type().is_ok_and(|t| t.is_symlink());
            let target = std::fs::metadata(&entry_path);
            if link && target.is_err() {
                // A broken link, reported as a full walk reports it.
                if let Err(e) = target {
                    warnings.push(Warning::file(&entry_path, format!("skipped: {e}")).as_error());
                }
                continue;
            }
            if target.is_ok_and(|m| m.is_dir()) {
                if link {
                    // May loop back up: a full walk sees to it.
                    return Ok(None);
                }
                if !known.dirs.contains_key(&rel) {
                    // New: walked whole (a link in it may lead anywhere: a
                    // full walk then).
                    let Ok(mut sub) = walk(&entry_path, warnings) else {
                        continue;
                    };
                    if sub.links {
                        return Ok(None);
                    }
                    for file in &mut sub.files {
                        file.rel = format!("{rel}/{}", file.rel);
                    }
                    out.files.append(&mut sub.files);
                    for (d, t) in sub.dirs {
                        let d = if d.is_empty() {
                            rel.clone()
                        } else {
                            format!("{rel}/{d}")
                        };
                        out.dirs.insert(d, t);
                    }
                }
            } else if is_source(&entry_path) {
                if let Some(file) = source_file(corpus, &rel, warnings) {
                    out.files.push(file);
                }
            }
        }
    }
    // The known files of unchanged directories: statted in parallel (the
    // kernel serves distinct files at once), their warnings kept in order
    // (after those of the directories read again).
    let statted: Vec<(Option<SourceFile>, Vec<Warning>)> = unchanged_dirs
        .par_iter()
        .map(|rel| {
            let mut said = Vec::new();
            (source_file(corpus, rel, &mut said), said)
        })
        .collect();
    for (file, mut said) in statted {
        out.files.extend(file);
        warnings.append(&mut said);
    }
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.files.dedup_by(|a, b| a.rel == b.rel);
    Ok(Some(out))
}

/// The file at `rel`, statted; `None` when it is gone (or reported, when
/// it cannot be read).
fn source_file(corpus: &Path, rel: &str, warnings: &mut Vec<Warning>) -> Option<SourceFile> {
    let abs = corpus.join(rel);
    match std::fs::metadata(&abs) {
        Ok(meta) if meta.is_file() => Some(SourceFile {
            rel: rel.to_owned(),
            size: meta.len(),
            mtime_ns: mtime_ns(&meta),
            abs,
        }),
        Ok(_) => None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            warnings.push(Warning::file(&abs, format!("skipped: {e}")).as_error());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    fn age(path: &Path) {
        let then = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::open(path)
            .unwrap()
            .set_modified(then)
            .unwrap();
    }

    /// A walk of `root` as the next walk would know it.
    fn rewalk_after(root: &Path, first: &Walk, change: impl FnOnce()) -> Walk {
        change();
        let known = Known {
            dirs: &first.dirs,
            files: first.files.iter().map(|f| f.rel.as_str()).collect(),
            trusted: &|_| true,
        };
        rewalk(root, &known, &mut Vec::new()).unwrap()
    }

    fn rels(walk: &Walk) -> Vec<&str> {
        walk.files.iter().map(|f| f.rel.as_str()).collect()
    }

    #[test]
    fn a_rewalk_finds_what_a_walk_finds() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in ["a.txt", "x/b.md", "x/y/c.txt", "z/d.txt"] {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, rel).unwrap();
        }
        for d in ["x/y", "x", "z", ""] {
            age(&root.join(d));
        }
        let first = walk(root, &mut Vec::new()).unwrap();
        let again = rewalk_after(root, &first, || {
            // An edit in place, a new file, a new directory, a removal and
            // a rename.
            std::fs::write(root.join("x/y/c.txt"), "changed").unwrap();
            std::fs::write(root.join("x/e.txt"), "e").unwrap();
            std::fs::create_dir_all(root.join("x/n/m")).unwrap();
            std::fs::write(root.join("x/n/m/f.txt"), "f").unwrap();
            std::fs::remove_file(root.join("a.txt")).unwrap();
            std::fs::rename(root.join("z"), root.join("w")).unwrap();
            std::fs::write(root.join("x/.hidden.txt"), "h").unwrap();
        });
        let full = walk(root, &mut Vec::new()).unwrap();
        assert_eq!(rels(&again), rels(&full));
        assert_eq!(again.dirs, full.dirs);
        let sizes = |w: &Walk| {
            w.files
                .iter()
                .map(|f| (f.size, f.mtime_ns))
                .collect::<Vec<_>>()
        };
        assert_eq!(sizes(&again), sizes(&full));
        assert_eq!(
            rels(&again),
            ["w/d.txt", "x/b.md", "x/e.txt", "x/n/m/f.txt", "x/y/c.txt"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_are_seen_as_a_full_walk_sees_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("x")).unwrap();
        std::fs::write(root.join("x/a.txt"), "a").unwrap();
        age(&root.join("x"));
        age(root);
        let first = walk(root, &mut Vec::new()).unwrap();
        let mut said = Vec::new();
        let known = Known {
            dirs: &first.dirs,
            files: first.files.iter().map(|f| f.rel.as_str()).collect(),
            trusted: &|_| true,
        };
        // A link back up (a loop), and a broken link.
        std::os::unix::fs::symlink("..", root.join("x/up")).unwrap();
        std::os::unix::fs::symlink("nowhere.txt", root.join("x/broken.txt")).unwrap();
        let again = rewalk(root, &known, &mut said).unwrap();
        let mut full_said = Vec::new();
        let full = walk(root, &mut full_said).unwrap();
        assert_eq!(rels(&again), rels(&full));
        assert_eq!(said.len(), full_said.len(), "{said:?} {full_said:?}");
    }
}
