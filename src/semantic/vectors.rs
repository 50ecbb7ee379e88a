//! Passage vectors as the index stores them, and the nearest-neighbour
//! scan.
//!
//! A vector is kept twice, small: its 512 signs (64 bytes), scanned with
//! Hamming distances to find candidates, and its values quantised to four
//! bits with one scale (260 bytes), which rerank the candidates by an
//! approximate cosine. Both are 32-bit words in multi-valued fast fields of
//! the passage's tantivy document, so that they are written, deleted and
//! merged with it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::encoder::DIM;

/// Words of the sign bits.
pub const SIGN_WORDS: usize = DIM / 32;
// Distances are counted over pairs of words.
const _: () = assert!(SIGN_WORDS.is_multiple_of(2));
/// Words of the four-bit values, after the scale's word.
pub const FINE_WORDS: usize = 1 + DIM / 8;
/// Largest magnitude of a four-bit value.
const LEVELS: f32 = 7.0;

/// A vector, quantised.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantised {
    /// Sign bits, one per dimension (set: positive).
    pub signs: [u32; SIGN_WORDS],
    /// The scale (as `f32` bits), then eight four-bit values per word.
    pub fine: [u32; FINE_WORDS],
}

impl Quantised {
    /// Quantises a vector of [`DIM`] values.
    pub fn new(vector: &[f32]) -> Quantised {
        let mut signs = [0u32; SIGN_WORDS];
        for (i, &v) in vector.iter().enumerate().take(DIM) {
            if v > 0.0 {
                signs[i / 32] |= 1 << (i % 32);
            }
        }
        let max = vector.iter().fold(0f32, |m, v| m.max(v.abs()));
        let scale = if max > 0.0 { max / LEVELS } else { 1.0 };
        let mut fine = [0u32; FINE_WORDS];
        fine[0] = scale.to_bits();
        for (i, &v) in vector.iter().enumerate().take(DIM) {
            let q = (v / scale).round().clamp(-LEVELS, LEVELS) as i32 + 8;
            fine[1 + i / 8] |= (q as u32) << (4 * (i % 8));
        }
        Quantised { signs, fine }
    }

    /// From the words a document stores; `None` unless there are exactly
    /// as many as a vector has.
    pub fn from_words(signs: &[u32], fine: &[u32]) -> Option<Quantised> {
        Some(Quantised {
            signs: signs.try_into().ok()?,
            fine: fine.try_into().ok()?,
        })
    }

    /// The values back, approximately.
    pub fn values(&self) -> Vec<f32> {
        let scale = f32::from_bits(self.fine[0]);
        (0..DIM)
            .map(|i| (((self.fine[1 + i / 8] >> (4 * (i % 8))) & 0xF) as i32 - 8) as f32 * scale)
            .collect()
    }

    /// The values back, scaled to unit length (as the encoder's vectors
    /// are), so that dot products with them are cosines.
    pub fn unit_values(&self) -> Vec<f32> {
        let mut values = self.values();
        let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            values.iter_mut().for_each(|v| *v /= norm);
        }
        values
    }

    /// The approximate dot product with a full vector.
    pub fn dot(&self, query: &[f32]) -> f32 {
        dot_fine(&self.fine, query)
    }
}

/// The Hamming distance between two vectors' sign bits.
pub fn hamming(a: &[u32; SIGN_WORDS], b: &[u32; SIGN_WORDS]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum()
}

/// The Hamming distances between `query` and rows of sign bits laid out
/// as little-endian 32-bit words, [`SIGN_WORDS`] of them a row; one
/// distance a row, in `out` (cleared first).
pub fn hamming_rows(query: &[u32; SIGN_WORDS], rows: &[u8], out: &mut Vec<u32>) {
    let q = pack(query);
    out.clear();
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        // SAFETY: the processor has the instruction, as just checked.
        unsafe { hamming_rows_popcnt(&q, rows, out) };
        return;
    }
    hamming_rows_with(&q, rows, out);
}

/// [`hamming_rows`] compiled with the processor's population count.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
unsafe fn hamming_rows_popcnt(q: &[u64; SIGN_WORDS / 2], rows: &[u8], out: &mut Vec<u32>) {
    hamming_rows_with(q, rows, out);
}

/// Sign bits as 64-bit words, as rows are compared.
fn pack(query: &[u32; SIGN_WORDS]) -> [u64; SIGN_WORDS / 2] {
    let mut q = [0u64; SIGN_WORDS / 2];
    for (i, pair) in query.chunks_exact(2).enumerate() {
        q[i] = u64::from(pair[0]) | u64::from(pair[1]) << 32;
    }
    q
}

/// The Hamming distance of one row; compiled into its callers (and with
/// their target features).
#[inline(always)]
fn row_distance(q: &[u64; SIGN_WORDS / 2], row: &[u8]) -> u32 {
    let mut distance = 0;
    for (k, &q) in q.iter().enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&row[8 * k..8 * k + 8]);
        distance += (u64::from_le_bytes(word) ^ q).count_ones();
    }
    distance
}

/// Plain loops, so that all of it is compiled into the caller (and with
/// its target features).
#[inline(always)]
fn hamming_rows_with(q: &[u64; SIGN_WORDS / 2], rows: &[u8], out: &mut Vec<u32>) {
    out.reserve(rows.len() / (SIGN_WORDS * 4));
    for row in rows.chunks_exact(SIGN_WORDS * 4) {
        let distance = row_distance(q, row);
        out.push(distance);
    }
}

/// [`hamming_rows`] for the rows whose byte in `tags` (one a row) is
/// `tag` only: their distances and indices, in `out` (cleared first).
pub fn hamming_rows_tagged(
    query: &[u32; SIGN_WORDS],
    rows: &[u8],
    (tags, tag): (&[u8], u8),
    out: &mut Vec<(u32, u32)>,
) {
    let q = pack(query);
    out.clear();
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        // SAFETY: the processor has the instruction, as just checked.
        unsafe { hamming_rows_tagged_popcnt(&q, rows, (tags, tag), out) };
        return;
    }
    hamming_rows_tagged_with(&q, rows, (tags, tag), out);
}

/// [`hamming_rows_tagged`] compiled with the processor's population count.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
unsafe fn hamming_rows_tagged_popcnt(
    q: &[u64; SIGN_WORDS / 2],
    rows: &[u8],
    tagged: (&[u8], u8),
    out: &mut Vec<(u32, u32)>,
) {
    hamming_rows_tagged_with(q, rows, tagged, out);
}

#[inline(always)]
fn hamming_rows_tagged_with(
    q: &[u64; SIGN_WORDS / 2],
    rows: &[u8],
    (tags, tag): (&[u8], u8),
    out: &mut Vec<(u32, u32)>,
) {
    for (i, (row, _)) in rows
        .chunks_exact(SIGN_WORDS * 4)
        .zip(tags)
        .enumerate()
        .filter(|(_, (_, &t))| t == tag)
    {
        let distance = row_distance(q, row);
        out.push((distance, i as u32));
    }
}

/// The approximate dot product of a vector's four-bit words (its scale's
/// word first, as [`Quantised::fine`]) with a full vector.
pub fn dot_fine<W: Copy + Into<u64>>(fine: &[W], query: &[f32]) -> f32 {
    let Some((scale, words)) = fine.split_first() else {
        return 0.0;
    };
    let scale = f32::from_bits((*scale).into() as u32);
    let mut sum = 0.0;
    for (&w, chunk) in words.iter().zip(query.chunks_exact(8)) {
        let w: u64 = w.into();
        for (k, q) in chunk.iter().enumerate() {
            sum += (((w >> (4 * k)) & 0xF) as i32 - 8) as f32 * q;
        }
    }
    sum * scale
}

/// The `k` smallest of a stream of `(distance, item)`, nearest first.
pub struct Nearest<T> {
    k: usize,
    heap: BinaryHeap<(u32, Reverse<u64>, T)>,
    seq: u64,
}

impl<T: Ord> Nearest<T> {
    /// Keeps `k`.
    pub fn new(k: usize) -> Self {
        Nearest {
            k,
            // Room for what is usually kept (`k` can be a user's `-n`).
            heap: BinaryHeap::with_capacity(k.min(4096) + 1),
            seq: 0,
        }
    }

    /// The distance an item must beat to be kept.
    pub fn bound(&self) -> u32 {
        if self.heap.len() < self.k {
            u32::MAX
        } else {
            self.heap.peek().map_or(u32::MAX, |top| top.0)
        }
    }

    /// Offers an item.
    pub fn push(&mut self, distance: u32, item: T) {
        if self.k == 0 || distance >= self.bound() {
            return;
        }
        self.seq += 1;
        self.heap.push((distance, Reverse(self.seq), item));
        if self.heap.len() > self.k {
            self.heap.pop();
        }
    }

    /// The items kept, nearest first (earliest first among equals).
    pub fn into_sorted(self) -> Vec<(u32, T)> {
        let mut items: Vec<_> = self.heap.into_vec();
        items.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        items.into_iter().map(|(d, _, t)| (d, t)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_values_have_unit_length_and_the_same_direction() {
        let q = Quantised::new(&unit(3));
        let values = q.values();
        let unit_values = q.unit_values();
        let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm(&unit_values) - 1.0).abs() < 1e-5);
        let cosine = values
            .iter()
            .zip(&unit_values)
            .map(|(a, b)| a * b)
            .sum::<f32>()
            / norm(&values);
        assert!((cosine - 1.0).abs() < 1e-5);
        let zero = Quantised::new(&[0.0; DIM]).unit_values();
        assert!(zero.iter().all(|&x| x == 0.0));
    }

    #[test]
    fn tagged_rows_are_the_rows_of_their_tag() {
        let vectors: Vec<Quantised> = (1..=6).map(|s| Quantised::new(&unit(s))).collect();
        let rows: Vec<u8> = vectors
            .iter()
            .flat_map(|v| v.signs.iter().flat_map(|w| w.to_le_bytes()))
            .collect();
        let tags = [0u8, 1, 1, 0, 2, 1];
        let query = Quantised::new(&unit(9)).signs;
        let mut all = Vec::new();
        hamming_rows(&query, &rows, &mut all);
        let mut tagged = Vec::new();
        hamming_rows_tagged(&query, &rows, (&tags, 1), &mut tagged);
        assert_eq!(tagged, [(all[1], 1), (all[2], 2), (all[5], 5)]);
        for (distance, i) in tagged {
            assert_eq!(distance, hamming(&query, &vectors[i as usize].signs));
        }
    }

    fn unit(seed: u32) -> Vec<f32> {
        let mut x = seed.wrapping_mul(2_654_435_761).max(1);
        let v: Vec<f32> = (0..DIM)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x % 2001) as f32 / 1000.0 - 1.0
            })
            .collect();
        let norm = v.iter().map(|a| a * a).sum::<f32>().sqrt();
        v.into_iter().map(|a| a / norm).collect()
    }

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
        let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
        dot / (na * nb)
    }

    #[test]
    fn four_bits_keep_the_direction() {
        for seed in 1..20 {
            let v = unit(seed);
            let q = Quantised::new(&v);
            assert!(cosine(&v, &q.values()) > 0.97, "seed {seed}");
            let other = unit(seed + 100);
            let exact: f32 = v.iter().zip(&other).map(|(a, b)| a * b).sum();
            assert!((q.dot(&other) - exact).abs() < 0.05);
            assert_eq!(Quantised::from_words(&q.signs, &q.fine), Some(q.clone()));
        }
        assert_eq!(Quantised::from_words(&[0; 3], &[0; FINE_WORDS]), None);
    }

    /// Rows of sign bits as a sign table lays them out.
    fn rows(signs: &[[u32; SIGN_WORDS]]) -> Vec<u8> {
        signs
            .iter()
            .flat_map(|row| row.iter().flat_map(|w| w.to_le_bytes()))
            .collect()
    }

    #[test]
    fn signs_and_distances() {
        let v = unit(7);
        let q = Quantised::new(&v);
        let negated: Vec<f32> = v.iter().map(|x| -x).collect();
        let mut one_bit = q.signs;
        one_bit[SIGN_WORDS - 1] ^= 1 << 31;
        let table = rows(&[q.signs, Quantised::new(&negated).signs, one_bit]);
        let mut out = vec![99];
        hamming_rows(&q.signs, &table, &mut out);
        assert_eq!(out, vec![0, DIM as u32, 1]);
        // Against an independent count, bit by bit.
        let other = Quantised::new(&unit(8)).signs;
        let expected: u32 = (0..DIM)
            .map(|i| {
                u32::from((q.signs[i / 32] >> (i % 32)) & 1 != (other[i / 32] >> (i % 32)) & 1)
            })
            .sum();
        hamming_rows(&q.signs, &rows(&[other]), &mut out);
        assert_eq!(out, vec![expected]);
        assert_eq!(hamming(&q.signs, &other), expected);
    }

    #[test]
    fn keeps_the_nearest_in_order() {
        let mut nearest = Nearest::new(3);
        for (d, item) in [(5, 'a'), (1, 'b'), (9, 'c'), (1, 'd'), (3, 'e')] {
            nearest.push(d, item);
        }
        assert_eq!(nearest.into_sorted(), vec![(1, 'b'), (1, 'd'), (3, 'e')]);
    }
}
