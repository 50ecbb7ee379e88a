//! The encoder's tokenizer: a SentencePiece unigram model, its `nmt_nfkc`
//! normalizer and Viterbi segmentation, ported so that its ids equal the
//! reference implementation's for every input (the test fixture checks
//! them exactly).
//!
//! The pieces are an FST map (piece → id) and the normalizer a darts-clone
//! double array, both read in place from the model file: nothing is built
//! when a model loads.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use fst::raw::{Fst, Output};
use fst::Streamer;
use rustc_hash::FxHashMap;

/// Id of the unknown piece.
pub const UNK: u32 = 0;
/// Id of the beginning-of-sentence piece.
pub const BOS: u32 = 1;
/// Id of the end-of-sentence piece.
pub const EOS: u32 = 2;

/// The escaped space that starts words (U+2581).
const SPACE: &str = "\u{2581}";

/// What a model file's tokenizer sections hold, borrowed.
pub struct Tokenizer<'a> {
    /// Piece → id.
    pieces: Fst<&'a [u8]>,
    /// Each piece's log probability, by id.
    scores: &'a [f32],
    /// The score of a character no piece covers.
    unk_score: f64,
    normalizer: Normalizer<'a>,
    /// Whether the word mark starts pieces only (see [`Tokenizer::encode_words`]);
    /// found out on first use.
    words_apart: OnceLock<bool>,
    /// This tokenizer's number among those of the process, for the word
    /// caches.
    serial: u64,
}

/// Words a thread remembers the pieces of, at most, before it forgets
/// them all.
const WORD_CACHE: usize = 1 << 16;
/// Longest word remembered, in bytes (a long URL or a text without spaces
/// is segmented each time).
const WORD_BYTES: usize = 64;

/// Words and their pieces.
type WordPieces = FxHashMap<Box<str>, Box<[u32]>>;

thread_local! {
    /// The pieces of the words this thread segmented lately, and the
    /// serial number of the tokenizer that segmented them.
    static WORDS: RefCell<(u64, WordPieces)> = RefCell::new((0, WordPieces::default()));
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer over a model's sections; `None` if the piece map is not
    /// an FST.
    pub fn new(
        pieces: &'a [u8],
        scores: &'a [f32],
        units: &'a [u32],
        replacements: &'a [u8],
    ) -> Option<Self> {
        let pieces = Fst::new(pieces).ok()?;
        let min = scores.iter().copied().fold(f32::INFINITY, f32::min);
        Some(Tokenizer {
            pieces,
            scores,
            unk_score: f64::from(min) - 10.0,
            normalizer: Normalizer {
                units,
                replacements,
            },
            words_apart: OnceLock::new(),
            serial: {
                static SERIAL: AtomicU64 = AtomicU64::new(1);
                SERIAL.fetch_add(1, Ordering::Relaxed)
            },
        })
    }

    /// The ids of `text`, as [`Tokenizer::encode`] gives them, each word
    /// segmented once per thread: for the many texts of an index. When no
    /// piece holds the word mark (U+2581) but at its start, every
    /// segmentation cuts the text before each mark, so the best one is
    /// its words' best ones end to end.
    pub fn encode_words(&self, text: &str) -> Vec<u32> {
        if !self.words_apart() {
            return self.encode(text);
        }
        self.framed(text, |normalized, ids| {
            WORDS.with_borrow_mut(|(serial, cache)| {
                if *serial != self.serial || cache.len() >= WORD_CACHE {
                    cache.clear();
                    *serial = self.serial;
                }
                for word in words(normalized) {
                    match cache.get(word) {
                        Some(known) => ids.extend_from_slice(known),
                        None => {
                            let pieces = self.viterbi(word);
                            ids.extend_from_slice(&pieces);
                            if word.len() <= WORD_BYTES {
                                cache.insert(word.into(), pieces.into());
                            }
                        }
                    }
                }
            })
        })
    }

    /// Whether the word mark starts pieces only, never in their middle.
    pub fn words_apart(&self) -> bool {
        *self.words_apart.get_or_init(|| {
            let mark = SPACE.as_bytes();
            let mut stream = self.pieces.stream();
            while let Some((piece, _)) = stream.next() {
                if piece.len() > 1 && piece[1..].windows(mark.len()).any(|w| w == mark) {
                    return false;
                }
            }
            true
        })
    }

    /// The ids of `text`, between `<s>` and `</s>`.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        self.framed(text, |normalized, ids| ids.extend(self.viterbi(normalized)))
    }

    /// `<s>`, the ids `segment` gives the normalized text (`<unk>` for an
    /// empty one), `</s>`.
    fn framed(&self, text: &str, segment: impl FnOnce(&str, &mut Vec<u32>)) -> Vec<u32> {
        let normalized = self.normalizer.normalize(text);
        let mut ids = vec![BOS];
        if normalized.is_empty() {
            ids.push(UNK);
        } else {
            segment(&normalized, &mut ids);
        }
        ids.push(EOS);
        ids
    }

    /// The most probable segmentation of a normalized text. Positions are
    /// byte offsets at character boundaries; nodes ending at one position
    /// keep the best score, the earliest start winning ties, as the
    /// reference lattice does.
    fn viterbi(&self, text: &str) -> Vec<u32> {
        let bytes = text.as_bytes();
        let len = bytes.len();
        let mut best = vec![f64::NEG_INFINITY; len + 1];
        let mut start_of = vec![0usize; len + 1];
        let mut piece_of = vec![UNK; len + 1];
        best[0] = 0.0;
        for (i, first) in text.char_indices() {
            let base = best[i];
            let single_end = i + first.len_utf8();
            let mut has_single = false;
            let mut node = self.pieces.root();
            let mut output = Output::zero();
            for (j, &byte) in bytes.iter().enumerate().skip(i) {
                let Some(k) = node.find_input(byte) else {
                    break;
                };
                let transition = node.transition(k);
                output = output.cat(transition.out);
                node = self.pieces.node(transition.addr);
                let end = j + 1;
                if !node.is_final() || !text.is_char_boundary(end) {
                    continue;
                }
                let id = output.cat(node.final_output()).value() as u32;
                let score = base + f64::from(self.scores.get(id as usize).copied().unwrap_or(0.0));
                if score > best[end] {
                    best[end] = score;
                    start_of[end] = i;
                    piece_of[end] = id;
                }
                if end == single_end {
                    has_single = true;
                }
            }
            if !has_single {
                let score = base + self.unk_score;
                if score > best[single_end] {
                    best[single_end] = score;
                    start_of[single_end] = i;
                    piece_of[single_end] = UNK;
                }
            }
        }
        let mut ids = Vec::new();
        let mut end = len;
        while end > 0 {
            ids.push(piece_of[end]);
            end = start_of[end];
        }
        ids.reverse();
        ids
    }
}

/// A normalized text's words: from each word mark to the next.
fn words(normalized: &str) -> impl Iterator<Item = &str> {
    let mut ends = normalized
        .match_indices(SPACE)
        .map(|(at, _)| at)
        .filter(|&at| at > 0)
        .chain([normalized.len()]);
    let mut start = 0;
    std::iter::from_fn(move || {
        let end = ends.next()?;
        let word = &normalized[start..end];
        start = end;
        Some(word)
    })
    .filter(|word| !word.is_empty())
}

/// SentencePiece's `nmt_nfkc` normalization from its precompiled map: a
/// double-array trie of UTF-8 keys whose values point at NUL-terminated
/// replacements, longest match first; then the whitespace rules (a dummy
/// space in front, runs of spaces squeezed, spaces escaped as U+2581).
pub struct Normalizer<'a> {
    units: &'a [u32],
    replacements: &'a [u8],
}

impl Normalizer<'_> {
    fn offset(unit: u32) -> usize {
        ((unit >> 10) << ((unit & 0x200) >> 6)) as usize
    }

    /// What the start of `data` normalizes to, and how many bytes that
    /// consumes.
    fn prefix<'b>(&'b self, data: &'b [u8]) -> (&'b [u8], usize) {
        let mut best_len = 0;
        let mut best_value = 0usize;
        if let Some(&root) = self.units.first() {
            let mut node = Self::offset(root);
            for (i, &c) in data.iter().enumerate() {
                node ^= usize::from(c);
                let Some(&unit) = self.units.get(node) else {
                    break;
                };
                if unit & 0x8000_00FF != u32::from(c) {
                    break;
                }
                node ^= Self::offset(unit);
                if unit & 0x100 != 0 {
                    best_len = i + 1;
                    best_value = self
                        .units
                        .get(node)
                        .map_or(usize::MAX, |v| (v & 0x7FFF_FFFF) as usize);
                }
            }
        }
        if best_len == 0 || best_value >= self.replacements.len() {
            // No rule: the character itself (the input is valid UTF-8).
            let len = utf8_len(data[0]).min(data.len());
            return (&data[..len], len);
        }
        let rest = &self.replacements[best_value..];
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        (&rest[..end], best_len)
    }

    /// The normalized text.
    pub fn normalize(&self, text: &str) -> String {
        let raw = text.as_bytes();
        let mut pos = 0;
        while pos < raw.len() {
            let (piece, consumed) = self.prefix(&raw[pos..]);
            if piece != b" " {
                break;
            }
            pos += consumed;
        }
        if pos >= raw.len() {
            return String::new();
        }
        let mut out: Vec<u8> = SPACE.as_bytes().to_vec();
        let mut previous_space = true;
        while pos < raw.len() {
            let (mut piece, consumed) = self.prefix(&raw[pos..]);
            pos += consumed;
            if previous_space {
                while let [b' ', rest @ ..] = piece {
                    piece = rest;
                }
            }
            if let Some(&last) = piece.last() {
                for &byte in piece {
                    if byte == b' ' {
                        out.extend_from_slice(SPACE.as_bytes());
                    } else {
                        out.push(byte);
                    }
                }
                previous_space = last == b' ';
            }
        }
        while out.ends_with(SPACE.as_bytes()) {
            out.truncate(out.len() - SPACE.len());
        }
        // Replacements are whole UTF-8 sequences, so this never loses text.
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// The length of the UTF-8 sequence a lead byte starts.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// The parts of a SentencePiece `.model` file that tokenizing needs.
pub struct ModelProto {
    /// Every piece with its score, in id order.
    pub pieces: Vec<(String, f32)>,
    /// The precompiled normalization map: the double array's units.
    pub units: Vec<u32>,
    /// The replacement strings the units point into.
    pub replacements: Vec<u8>,
}

impl ModelProto {
    /// Reads a serialized model: pieces (field 1, each with its text in
    /// field 1 and score in field 2) and the precompiled character map
    /// (field 2 of the normalizer spec). Older files, like the encoder's,
    /// keep that spec in field 3; both are looked at.
    pub fn parse(data: &[u8]) -> Result<ModelProto, String> {
        let top = fields(data)?;
        let mut pieces = Vec::new();
        for (field, value) in &top {
            if *field != 1 {
                continue;
            }
            let Value::Bytes(bytes) = value else { continue };
            let mut text = None;
            let mut score = 0.0;
            for (f, v) in fields(bytes)? {
                match (f, v) {
                    (1, Value::Bytes(b)) => {
                        text = Some(
                            String::from_utf8(b.to_vec()).map_err(|_| "a piece is not UTF-8")?,
                        )
                    }
                    (2, Value::Fixed32(bits)) => score = f32::from_bits(bits),
                    _ => {}
                }
            }
            pieces.push((text.ok_or("a piece without text")?, score));
        }
        if pieces.len() < 3 {
            return Err("no pieces".into());
        }
        let mut charsmap: Option<&[u8]> = None;
        for (field, value) in &top {
            if let (2 | 3, Value::Bytes(spec)) = (field, value) {
                for (f, v) in fields(spec)? {
                    if let (2, Value::Bytes(map)) = (f, v) {
                        if map.len() > 4 && charsmap.is_none() {
                            charsmap = Some(map);
                        }
                    }
                }
            }
        }
        let map = charsmap.ok_or("no precompiled normalization map")?;
        let size = u32::from_le_bytes(map[..4].try_into().expect("4 bytes")) as usize;
        if !size.is_multiple_of(4) || 4 + size > map.len() {
            return Err("the normalization map's trie is truncated".into());
        }
        let units = map[4..4 + size]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        Ok(ModelProto {
            pieces,
            units,
            replacements: map[4 + size..].to_vec(),
        })
    }
}

/// A protobuf field's value.
enum Value<'a> {
    Varint,
    Fixed32(u32),
    Fixed64,
    Bytes(&'a [u8]),
}

/// The fields of one protobuf message, in order.
fn fields(data: &[u8]) -> Result<Vec<(u64, Value<'_>)>, String> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let key = varint(data, &mut pos)?;
        let value = match key & 7 {
            0 => {
                varint(data, &mut pos)?;
                Value::Varint
            }
            1 => {
                pos = pos
                    .checked_add(8)
                    .filter(|&p| p <= data.len())
                    .ok_or("truncated")?;
                Value::Fixed64
            }
            2 => {
                let len = varint(data, &mut pos)? as usize;
                let end = pos
                    .checked_add(len)
                    .filter(|&e| e <= data.len())
                    .ok_or("truncated")?;
                let bytes = &data[pos..end];
                pos = end;
                Value::Bytes(bytes)
            }
            5 => {
                let end = pos
                    .checked_add(4)
                    .filter(|&e| e <= data.len())
                    .ok_or("truncated")?;
                let bits = u32::from_le_bytes(data[pos..end].try_into().expect("4 bytes"));
                pos = end;
                Value::Fixed32(bits)
            }
            wire => return Err(format!("unknown wire type {wire}")),
        };
        out.push((key >> 3, value));
    }
    Ok(out)
}

fn varint(data: &[u8], pos: &mut usize) -> Result<u64, String> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *data.get(*pos).ok_or("truncated")?;
        *pos += 1;
        value |= u64::from(byte & 0x7F) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("varint too long".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sections of a tokenizer of `<unk>`, `<s>`, `</s>` and these
    /// pieces (ids in that order, scores given): its FST and its scores.
    fn with_pieces(pieces: &[(&str, f32)]) -> (Vec<u8>, Vec<f32>) {
        let specials = [("<unk>", 0.0), ("<s>", 0.0), ("</s>", 0.0)];
        let pieces: Vec<(&str, f32)> = specials.iter().chain(pieces).copied().collect();
        let sorted: std::collections::BTreeMap<&[u8], u64> = pieces
            .iter()
            .enumerate()
            .map(|(id, (piece, _))| (piece.as_bytes(), id as u64))
            .collect();
        let mut map = fst::MapBuilder::memory();
        for (piece, id) in sorted {
            map.insert(piece, id).unwrap();
        }
        let scores = pieces.iter().map(|(_, score)| *score).collect();
        (map.into_inner().unwrap(), scores)
    }

    /// `encode_words` gives what `encode` gives, on texts of the pieces'
    /// letters.
    fn same_word_by_word(tokenizer: &Tokenizer) {
        for text in TEXTS {
            assert_eq!(
                tokenizer.encode_words(text),
                tokenizer.encode(text),
                "{text:?}"
            );
        }
    }

    const TEXTS: [&str; 8] = [
        "ab a",
        "a b ab",
        "",
        "   ",
        "ba  ab",
        "x ab",
        "abab ab a",
        "b",
    ];

    #[test]
    fn word_by_word_gives_the_pieces_of_the_whole_text() {
        let pieces = [
            ("a", -3.0),
            ("ab", -2.5),
            ("b", -3.0),
            ("\u{2581}", -1.0),
            ("\u{2581}a", -2.0),
            ("\u{2581}ab", -4.5),
        ];
        let (fst, scores) = with_pieces(&pieces);
        let tokenizer = Tokenizer::new(&fst, &scores, &[], &[]).unwrap();
        assert!(tokenizer.words_apart());
        // Twice: the second time, the words are remembered.
        same_word_by_word(&tokenizer);
        same_word_by_word(&tokenizer);
        // "ab a": ▁ ab (-3.5) beats ▁ab (-4.5) and ▁a b (-5).
        assert_eq!(tokenizer.encode("ab a"), [BOS, 6, 4, 7, EOS]);
    }

    #[test]
    fn a_piece_across_the_word_mark_keeps_the_whole_text_together() {
        let pieces = [
            ("a", -3.0),
            ("b", -3.0),
            ("\u{2581}", -1.0),
            ("\u{2581}a", -2.0),
            ("a\u{2581}b", -0.5),
        ];
        let (fst, scores) = with_pieces(&pieces);
        let tokenizer = Tokenizer::new(&fst, &scores, &[], &[]).unwrap();
        assert!(!tokenizer.words_apart());
        // The piece across words wins: word by word could not find it.
        assert_eq!(tokenizer.encode("a b"), [BOS, 5, 7, EOS]);
        same_word_by_word(&tokenizer);
    }

    #[test]
    fn words_run_from_mark_to_mark() {
        let found: Vec<&str> = words("\u{2581}ab\u{2581}c\u{2581}\u{2581}d").collect();
        assert_eq!(found, ["\u{2581}ab", "\u{2581}c", "\u{2581}", "\u{2581}d"]);
        assert_eq!(words("").count(), 0);
    }
}
