//! Content hashes (blake3), written in hex: of source files, of manifest
//! entries, of passage texts; or as bytes, to key a table by content.

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

/// The first 128 bits of the blake3 hash of `bytes`.
pub fn bits128(bytes: &[u8]) -> [u8; 16] {
    let mut bits = [0; 16];
    bits.copy_from_slice(&blake3::hash(bytes).as_bytes()[..16]);
    bits
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

    #[test]
    fn bits_are_the_hash_s_first_bytes() {
        let bits = super::bits128(b"OTAN");
        let hex: String = bits.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, super::hex(b"OTAN")[..32]);
    }
}
