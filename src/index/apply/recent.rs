//! The vectors of the texts encoded earlier in the same run, by the hash
//! of their text, so that a passage identical to one already encoded (a
//! licence, a boilerplate paragraph, a page shipped twice) gets a copy of
//! its vector instead of being encoded again.
//!
//! Memory stays bounded: two generations of at most [`GENERATION`] texts
//! each (about 22 MB in all). When the current one is full, the older one is dropped and the
//! current one takes its place; a text found in the older one moves back
//! into the current one, so a text that keeps recurring is never lost.

use rustc_hash::FxHashMap;

use crate::semantic::vectors::Quantised;

/// Texts a generation holds: 7/8 of a table of 32,768 slots, which holds
/// them without growing (about 11 MB with their keys).
pub(super) const GENERATION: usize = 28_672;

/// A text's key: the first 128 bits of its BLAKE3 hash.
pub(super) type Key = [u8; 16];

/// The key of `text`.
pub(super) fn key(text: &str) -> Key {
    crate::fingerprint::bits128(text.as_bytes())
}

/// Vectors by text, in two generations.
#[derive(Default)]
pub(super) struct Recent {
    current: FxHashMap<Key, Quantised>,
    older: FxHashMap<Key, Quantised>,
}

impl Recent {
    /// An empty generation, its table allocated once at its full size.
    fn generation() -> FxHashMap<Key, Quantised> {
        FxHashMap::with_capacity_and_hasher(GENERATION, Default::default())
    }

    /// The vector of the text whose key this is, if it was encoded lately.
    pub(super) fn get(&mut self, key: &Key) -> Option<Quantised> {
        if let Some(vector) = self.current.get(key) {
            return Some(vector.clone());
        }
        let vector = self.older.remove(key)?;
        self.insert(*key, vector.clone());
        Some(vector)
    }

    /// Remembers the vector of a text just encoded.
    pub(super) fn insert(&mut self, key: Key, vector: Quantised) {
        if self.current.len() >= GENERATION {
            self.older = std::mem::replace(&mut self.current, Self::generation());
        }
        self.current.insert(key, vector);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::DIM;

    fn vector(seed: usize) -> Quantised {
        let values: Vec<f32> = (0..DIM)
            .map(|i| ((i * 7 + seed * 13) % 17) as f32 - 8.0)
            .collect();
        Quantised::new(&values)
    }

    #[test]
    fn a_text_seen_is_found_by_its_key_and_another_is_not() {
        let mut recent = Recent::default();
        recent.insert(key("le Conseil OTAN-Russie"), vector(1));
        assert_eq!(recent.get(&key("le Conseil OTAN-Russie")), Some(vector(1)));
        assert_eq!(recent.get(&key("le Conseil OTAN-Russie ")), None);
    }

    #[test]
    fn memory_is_two_generations_and_a_recurring_text_survives() {
        let mut recent = Recent::default();
        recent.insert(key("recurring"), vector(0));
        for i in 0..3 * GENERATION {
            recent.insert(key(&format!("text {i}")), vector(i));
            if i % (GENERATION / 2) == 0 {
                assert_eq!(recent.get(&key("recurring")), Some(vector(0)), "at {i}");
            }
        }
        assert!(recent.current.len() + recent.older.len() <= 2 * GENERATION);
        assert!(recent.current.capacity() < 2 * GENERATION, "no table grew");
        assert_eq!(recent.get(&key("recurring")), Some(vector(0)));
        assert_eq!(recent.get(&key("text 0")), None, "the oldest are dropped");
        let last = format!("text {}", 3 * GENERATION - 1);
        assert_eq!(recent.get(&key(&last)), Some(vector(3 * GENERATION - 1)));
    }
}
