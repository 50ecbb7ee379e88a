//! The installed model's file: named sections of little-endian numbers,
//! each aligned for direct use, behind a small directory. It is written
//! once by `model import` and memory-mapped by every search, so loading a
//! model reads a few hundred bytes and checks the sections' sizes.
//!
//! ```text
//! magic "NRELSEM1" | u32 format version | u32 section count | 32-byte model id
//! section count × (32-byte name, u64 offset, u64 length in bytes)
//! the sections, each at a multiple of 64 bytes
//! ```

use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::Path;

use crate::mapped::Bytes;

const MAGIC: &[u8; 8] = b"NRELSEM1";
const VERSION: u32 = 1;
const NAME: usize = 32;
const ALIGN: usize = 64;

/// A model file, mapped.
pub struct ModelFile {
    bytes: Bytes,
    sections: HashMap<String, Range<usize>>,
    id: [u8; 32],
}

impl ModelFile {
    /// Maps and checks a model file.
    pub fn open(path: &Path) -> Result<ModelFile, String> {
        let bytes = Bytes::map(path).map_err(|e| e.to_string())?;
        Self::parse(bytes)
    }

    /// Checks the directory of a model file's bytes.
    pub fn parse(bytes: Bytes) -> Result<ModelFile, String> {
        let bad = || {
            "not a model file of this version (run `nrel-search model import` again)".to_string()
        };
        if cfg!(target_endian = "big") {
            return Err("model files are little-endian; this machine is not".into());
        }
        if bytes.len() < 48 || &bytes[..8] != MAGIC {
            return Err(bad());
        }
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        if u32_at(8) != VERSION {
            return Err(bad());
        }
        let count = u32_at(12) as usize;
        let id: [u8; 32] = bytes[16..48].try_into().expect("32 bytes");
        let entry = NAME + 16;
        if count > 1024 || 48 + count * entry > bytes.len() {
            return Err(bad());
        }
        let mut sections = HashMap::new();
        for i in 0..count {
            let at = 48 + i * entry;
            let raw = &bytes[at..at + NAME];
            let name =
                String::from_utf8_lossy(&raw[..raw.iter().position(|&b| b == 0).unwrap_or(NAME)])
                    .into_owned();
            let u64_at =
                |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
            let offset = u64_at(at + NAME) as usize;
            let len = u64_at(at + NAME + 8) as usize;
            let end = offset
                .checked_add(len)
                .filter(|&e| e <= bytes.len())
                .ok_or_else(bad)?;
            if !offset.is_multiple_of(ALIGN) {
                return Err(bad());
            }
            sections.insert(name, offset..end);
        }
        Ok(ModelFile {
            bytes,
            sections,
            id,
        })
    }

    /// The model's identity: a hash of what it was converted from.
    pub fn id(&self) -> [u8; 32] {
        self.id
    }

    /// A section's bytes.
    pub fn bytes(&self, name: &str) -> Result<&[u8], String> {
        let range = self
            .sections
            .get(name)
            .ok_or_else(|| format!("the model has no section {name}"))?;
        Ok(&self.bytes[range.clone()])
    }

    /// A section of 32-bit floats, of `len` values (any length if `None`).
    pub fn f32s(&self, name: &str, len: Option<usize>) -> Result<&[f32], String> {
        numbers(self.bytes(name)?, name, len)
    }

    /// A section of 32-bit unsigned integers.
    pub fn u32s(&self, name: &str) -> Result<&[u32], String> {
        numbers(self.bytes(name)?, name, None)
    }
}

fn numbers<'a, T: bytemuck::Pod>(
    bytes: &'a [u8],
    name: &str,
    len: Option<usize>,
) -> Result<&'a [T], String> {
    let values: &[T] =
        bytemuck::try_cast_slice(bytes).map_err(|e| format!("section {name}: {e:?}"))?;
    match len {
        Some(len) if values.len() != len => Err(format!(
            "section {name} holds {} values, not {len}",
            values.len()
        )),
        _ => Ok(values),
    }
}

/// Writes a model file from its sections, whole, to `out`.
pub fn write(
    out: &mut impl Write,
    id: [u8; 32],
    sections: &[(String, Vec<u8>)],
) -> std::io::Result<()> {
    let entry = NAME + 16;
    let header = 48 + sections.len() * entry;
    let mut offset = header.next_multiple_of(ALIGN);
    let mut directory = Vec::with_capacity(header);
    directory.extend_from_slice(MAGIC);
    directory.extend_from_slice(&VERSION.to_le_bytes());
    directory.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    directory.extend_from_slice(&id);
    let mut offsets = Vec::new();
    for (name, data) in sections {
        assert!(name.len() <= NAME, "section name too long");
        let mut raw = [0u8; NAME];
        raw[..name.len()].copy_from_slice(name.as_bytes());
        directory.extend_from_slice(&raw);
        directory.extend_from_slice(&(offset as u64).to_le_bytes());
        directory.extend_from_slice(&(data.len() as u64).to_le_bytes());
        offsets.push(offset);
        offset = (offset + data.len()).next_multiple_of(ALIGN);
    }
    out.write_all(&directory)?;
    let mut written = directory.len();
    for ((_, data), at) in sections.iter().zip(offsets) {
        out.write_all(&vec![0u8; at - written])?;
        out.write_all(data)?;
        written = at + data.len();
    }
    Ok(())
}

/// Little-endian bytes of floats.
pub fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Little-endian bytes of unsigned integers.
pub fn u32_bytes(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}
