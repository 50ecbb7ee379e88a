//! The record file: written, read back, damaged.

use std::collections::BTreeMap;

use super::*;
use crate::index::record::FileRecord;
use crate::mapped::Bytes;
use crate::passage::PassageId;

fn sample() -> Record {
    let mut files = BTreeMap::new();
    for (i, path) in ["b/deux.txt", "a.md", "c é.txt"].iter().enumerate() {
        files.insert(
            (*path).to_owned(),
            FileRecord {
                size: 100 + i as u64,
                mtime_ns: 1_700_000_000_000_000_000 + i as u64,
                hash: format!("{i:064x}"),
                meta_hash: if i == 1 {
                    String::new()
                } else {
                    "m".repeat(16)
                },
                doc: format!("doc-{i}"),
                passages: 3 * i as u32,
                error: (i == 2).then(|| "binary file".to_owned()),
            },
        );
    }
    let successors = [("a:111111", "a:222222"), ("b:000001", "b:000002")]
        .iter()
        .map(|(o, n)| (PassageId::parse(o), PassageId::parse(n)))
        .collect();
    Record {
        files,
        manifest: Some("abc".into()),
        successors,
        dirs: [(String::new(), 5), ("b".to_owned(), 7)]
            .into_iter()
            .collect(),
        checked_ns: 42,
        skips: 1,
    }
}

#[test]
fn a_record_reads_back_whole() {
    let record = sample();
    let view = RecordView::from_record(&record);
    assert_eq!(view.to_record().unwrap(), record);
    assert_eq!(view.len(), 3);
    assert_eq!(view.documents(), 2);
    assert_eq!(view.passages(), 9);
    assert_eq!(view.checked_ns(), 42);
    assert_eq!(view.manifest(), Some("abc"));
}

#[test]
fn files_and_successors_are_found_by_key() {
    let view = RecordView::from_record(&sample());
    let f = view.get("b/deux.txt").unwrap();
    assert_eq!(
        (f.doc, f.size, f.passages, f.error),
        ("doc-0", 100, 0, None)
    );
    assert_eq!(view.get("c é.txt").unwrap().error, Some("binary file"));
    assert!(view.get("b").is_none());
    assert!(view.get("zzz").is_none());
    assert_eq!(
        view.successor(&PassageId::parse("b:000001")),
        Some(PassageId::parse("b:000002"))
    );
    assert_eq!(view.successor(&PassageId::parse("b:000002")), None);
}

#[test]
fn a_damaged_file_is_refused_or_read_without_panicking() {
    let bytes = encode(&sample());
    assert!(RecordView::new(Bytes::Owned(bytes[..HEADER - 1].to_vec())).is_none());
    assert!(RecordView::new(Bytes::Owned(bytes[..HEADER + 10].to_vec())).is_none());
    let mut wrong = bytes.clone();
    wrong[0] = b'X';
    assert!(RecordView::new(Bytes::Owned(wrong)).is_none());
    // Strings cut short, or more bytes than said.
    let cut = bytes.len() - 30;
    assert!(RecordView::new(Bytes::Owned(bytes[..cut].to_vec())).is_none());
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(RecordView::new(Bytes::Owned(longer)).is_none());
}

#[test]
fn opening_reads_no_file_entry() {
    // Every file entry overwritten: an open that parsed them would
    // fail; the counts, the manifest and the successors still answer.
    let mut bytes = encode(&sample());
    bytes[HEADER..HEADER + 3 * FILE_ENTRY].fill(0xAB);
    let view = RecordView::new(Bytes::Owned(bytes)).unwrap();
    assert_eq!((view.len(), view.documents(), view.passages()), (3, 2, 9));
    assert_eq!(view.manifest(), Some("abc"));
    assert_eq!(
        view.successor(&PassageId::parse("a:111111")),
        Some(PassageId::parse("a:222222"))
    );
    assert_eq!(view.file(0).path, "");
}

#[test]
fn write_is_idempotent_and_others_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let name = write(dir.path(), &sample()).unwrap();
    assert_eq!(write(dir.path(), &sample()).unwrap(), name);
    let mut other = sample();
    other.checked_ns = 1;
    let second = write(dir.path(), &other).unwrap();
    assert_ne!(second, name);
    remove_others(dir.path(), &[&second]).unwrap();
    assert!(!dir.path().join(&name).exists());
    let view = RecordView::open(&dir.path().join(&second)).unwrap();
    assert_eq!(view.to_record().unwrap(), other);
    // A byte changed: refused when read whole.
    let path = dir.path().join(&second);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let damaged = RecordView::open(&path).unwrap();
    assert!(matches!(damaged.to_record(), Err(Error::BadIndex { .. })));
}

#[test]
fn a_patched_record_is_the_record_with_the_edits_encoded() {
    let record = sample();
    let view = RecordView::from_record(&record);
    // One file edited (its passages and hash), one touched (its time).
    let mut edited = BTreeMap::new();
    let mut deux = record.files["b/deux.txt"].clone();
    deux.hash = "f".repeat(64);
    deux.passages = 7;
    edited.insert("b/deux.txt".to_owned(), deux);
    let mut a = record.files["a.md"].clone();
    a.mtime_ns += 1_000;
    edited.insert("a.md".to_owned(), a);
    // New successors before, between and after the recorded ones, and one
    // for an id already recorded.
    let successors: BTreeMap<PassageId, PassageId> = [
        ("0:000000", "0:000001"),
        ("a:111111", "a:333333"),
        ("a:999999", "a:888888"),
        ("z:000000", "z:000001"),
    ]
    .iter()
    .map(|(o, n)| (PassageId::parse(o), PassageId::parse(n)))
    .collect();
    let mut expected = record.clone();
    expected.files.extend(edited.clone());
    expected.successors.extend(successors.clone());
    expected.checked_ns = 99;
    assert_eq!(
        patch(&view, &edited, &successors, usize::MAX, 99),
        encode(&expected)
    );
    let patched = RecordView::new(Bytes::Owned(patch(&view, &edited, &successors, 4, 99)));
    let patched = patched.unwrap().to_record().unwrap();
    // Beyond four, the first in id order are forgotten.
    let kept: Vec<&str> = patched.successors.keys().map(PassageId::as_str).collect();
    assert_eq!(kept, ["a:111111", "a:999999", "b:000001", "z:000000"]);
    assert_eq!(
        patched.successors[&PassageId::parse("a:111111")].as_str(),
        "a:333333"
    );
    assert_eq!(patched.passages(), 7 + 3 + 6);
}
