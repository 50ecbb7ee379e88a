//! Content hashes (blake3), written in hex: of source files, of manifest
//! entries, of passage texts.

/// The blake3 hash of `bytes`, 64 hex digits.
pub fn hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// The first `len` hex digits of the blake3 hash of `bytes`.
pub fn short(bytes: &[u8], len: usize) -> String {
    let mut hex = hex(bytes);
    hex.truncate(len);
    hex
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_digits() {
        let h = super::hex(b"OTAN");
        assert_eq!(h.len(), 64);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(super::short(b"OTAN", 6), h[..6]);
    }
}
