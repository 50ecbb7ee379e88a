//! The forward pass of the multilingual sentence encoder (Universal
//! Sentence Encoder multilingual v3): token embeddings, three n-gram
//! convolution branches (orders 2, 3 and 5) with layer norm, a pooled
//! projection and three dense layers, giving an L2-normalised
//! 512-dimensional vector.

use std::collections::HashMap;
use std::ops::Range;

use ndarray::{s, Array2, ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;

use super::amx::{self, Packed};
use super::file::ModelFile;
use super::sentencepiece::Tokenizer;

/// Dimensions of a sentence vector.
pub const DIM: usize = 512;
/// Rows of the embedding table: one per piece, padded.
pub const VOCAB_ROWS: usize = 17 * 7530;
/// The embedding table is quantised per chunk of rows (row `r` belongs to
/// chunk `r % CHUNKS`).
pub const CHUNKS: usize = 17;
/// Width of each convolution branch.
const BRANCH: usize = 256;
/// (n-gram order, left context) of each branch.
pub const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];
/// Width of the features pooled over tokens: the embedding and the three
/// branches.
const FEATURES: usize = DIM + ORDERS.len() * BRANCH;
/// Longest text encoded, in pieces; the rest of a longer text is not read.
pub const MAX_TOKENS: usize = 1024;

/// Every section of a model file and its expected number of values.
pub fn sections() -> Vec<(String, usize)> {
    let mut out = vec![
        ("scale".to_string(), CHUNKS),
        ("lo".to_string(), CHUNKS),
        ("proj".to_string(), DIM * 3 * BRANCH),
        ("proj_b".to_string(), 3 * BRANCH),
        ("ln_g_all".to_string(), 3 * BRANCH),
        ("ln_b_all".to_string(), 3 * BRANCH),
    ];
    for (n, _) in ORDERS {
        out.push((format!("w1s_{n}"), n * BRANCH * BRANCH));
        out.push((format!("b1_{n}"), BRANCH));
        out.push((format!("w2_{n}"), n * BRANCH * BRANCH));
        out.push((format!("b2_{n}"), BRANCH));
    }
    out.extend([
        ("ln_g".to_string(), FEATURES),
        ("ln_b".to_string(), FEATURES),
        ("cnn_W".to_string(), FEATURES * DIM),
        ("cnn_b".to_string(), DIM),
        ("d0".to_string(), DIM * 320),
        ("p1".to_string(), DIM * 320),
        ("d1".to_string(), 320 * 320),
        ("d2".to_string(), 320 * DIM),
        ("p3".to_string(), 320 * DIM),
        ("d3".to_string(), DIM * DIM),
        ("eps".to_string(), 1),
    ]);
    out
}

/// A loaded encoder: views into a mapped model file.
pub struct Encoder<'a> {
    tokenizer: Tokenizer<'a>,
    table: &'a [u8],
    scale: &'a [f32],
    lo: &'a [f32],
    proj: ArrayView2<'a, f32>,
    proj_b: ArrayView1<'a, f32>,
    ln_g_all: ArrayView1<'a, f32>,
    ln_b_all: ArrayView1<'a, f32>,
    branches: Vec<Branch<'a>>,
    ln_g: ArrayView1<'a, f32>,
    ln_b: ArrayView1<'a, f32>,
    cnn_w: ArrayView2<'a, f32>,
    cnn_b: ArrayView1<'a, f32>,
    d0: ArrayView2<'a, f32>,
    p1: ArrayView2<'a, f32>,
    d1: ArrayView2<'a, f32>,
    d2: ArrayView2<'a, f32>,
    p3: ArrayView2<'a, f32>,
    d3: ArrayView2<'a, f32>,
    eps: f32,
    /// The large products' weights laid out for the tile unit, the first
    /// time a product is large enough to use it (never where there is no
    /// tile unit).
    tiles: std::sync::OnceLock<Option<Tiles>>,
    /// Rows from which a product runs on the tile unit; `None`: never.
    tile_rows: Option<usize>,
}

/// Weights in the tile unit's layout ([`amx::Packed`]).
struct Tiles {
    proj: Packed,
    /// Per branch.
    w1s: Vec<Packed>,
    /// Per branch.
    w2: Vec<Packed>,
    cnn_w: Packed,
    d0: Packed,
    p1: Packed,
    d1: Packed,
    d2: Packed,
    p3: Packed,
    d3: Packed,
}

/// Rows from which a product of a batch runs on the tile unit, where
/// there is one. A single text (a query) is encoded on the vector units,
/// so that a search never lays the weights out.
const TILE_ROWS: usize = 32;

struct Branch<'a> {
    order: usize,
    left: usize,
    /// The first convolution's blocks side by side: one token's row times
    /// it gives its contribution to each place of a window.
    w1s: ArrayView2<'a, f32>,
    b1: ArrayView1<'a, f32>,
    w2: ArrayView2<'a, f32>,
    b2: ArrayView1<'a, f32>,
}

impl<'a> Encoder<'a> {
    /// Views a model file's sections, checking every size.
    pub fn new(file: &'a ModelFile) -> Result<Self, String> {
        let vector = |name: &str, len: usize| -> Result<ArrayView1<'a, f32>, String> {
            Ok(ArrayView1::from(file.f32s(name, Some(len))?))
        };
        let matrix =
            |name: &str, rows: usize, cols: usize| -> Result<ArrayView2<'a, f32>, String> {
                ArrayView2::from_shape((rows, cols), file.f32s(name, Some(rows * cols))?)
                    .map_err(|e| e.to_string())
            };
        let table = file.bytes("table")?;
        if table.len() != VOCAB_ROWS * DIM {
            return Err("the embedding table has the wrong size".into());
        }
        let scores = file.f32s("sp_scores", None)?;
        let tokenizer = Tokenizer::new(
            file.bytes("sp_pieces")?,
            scores,
            file.u32s("sp_units")?,
            file.bytes("sp_replacements")?,
        )
        .ok_or("the tokenizer's pieces are damaged")?;
        if scores.len() > VOCAB_ROWS {
            return Err("more pieces than embeddings".into());
        }
        let mut branches = Vec::new();
        for (order, left) in ORDERS {
            branches.push(Branch {
                order,
                left,
                w1s: matrix(&format!("w1s_{order}"), BRANCH, order * BRANCH)?,
                b1: vector(&format!("b1_{order}"), BRANCH)?,
                w2: matrix(&format!("w2_{order}"), order * BRANCH, BRANCH)?,
                b2: vector(&format!("b2_{order}"), BRANCH)?,
            });
        }
        Ok(Encoder {
            tokenizer,
            table,
            scale: file.f32s("scale", Some(CHUNKS))?,
            lo: file.f32s("lo", Some(CHUNKS))?,
            proj: matrix("proj", DIM, 3 * BRANCH)?,
            proj_b: vector("proj_b", 3 * BRANCH)?,
            ln_g_all: vector("ln_g_all", 3 * BRANCH)?,
            ln_b_all: vector("ln_b_all", 3 * BRANCH)?,
            branches,
            ln_g: vector("ln_g", FEATURES)?,
            ln_b: vector("ln_b", FEATURES)?,
            cnn_w: matrix("cnn_W", FEATURES, DIM)?,
            cnn_b: vector("cnn_b", DIM)?,
            d0: matrix("d0", DIM, 320)?,
            p1: matrix("p1", DIM, 320)?,
            d1: matrix("d1", 320, 320)?,
            d2: matrix("d2", 320, DIM)?,
            p3: matrix("p3", 320, DIM)?,
            d3: matrix("d3", DIM, DIM)?,
            eps: file.f32s("eps", Some(1))?[0],
            tiles: std::sync::OnceLock::new(),
            tile_rows: Some(TILE_ROWS),
        })
    }

    /// Sets the rows from which a matrix product runs on the tile unit
    /// where there is one (by default 32); `None` keeps every product on
    /// the vector units in `f32`. To compare the two.
    pub fn set_tile_rows(&mut self, rows: Option<usize>) {
        self.tile_rows = rows;
    }

    /// The weights laid out for the tile unit, when the caller allows it,
    /// there is one and the product has enough rows to use it.
    fn tiles(&self, allowed: bool, rows: usize) -> Option<&Tiles> {
        if !allowed || self.tile_rows.is_none_or(|least| rows < least) || !amx::available() {
            return None;
        }
        self.tiles
            .get_or_init(|| {
                Some(Tiles {
                    proj: Packed::new(self.proj)?,
                    w1s: (self.branches.iter())
                        .map(|b| Packed::new(b.w1s))
                        .collect::<Option<_>>()?,
                    w2: (self.branches.iter())
                        .map(|b| Packed::new(b.w2))
                        .collect::<Option<_>>()?,
                    cnn_w: Packed::new(self.cnn_w)?,
                    d0: Packed::new(self.d0)?,
                    p1: Packed::new(self.p1)?,
                    d1: Packed::new(self.d1)?,
                    d2: Packed::new(self.d2)?,
                    p3: Packed::new(self.p3)?,
                    d3: Packed::new(self.d3)?,
                })
            })
            .as_ref()
    }

    /// The tokenizer's ids for `text`, `<s>` and `</s>` included.
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text)
    }

    /// The same ids, each word segmented once per thread (for many texts).
    pub fn tokenize_words(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode_words(text)
    }

    /// Whether [`Encoder::tokenize_words`] segments word by word (the
    /// model's pieces allow it).
    pub fn words_apart(&self) -> bool {
        self.tokenizer.words_apart()
    }

    /// The vector of a text, on the vector units (`f32`).
    pub fn encode(&self, text: &str) -> Vec<f32> {
        self.encode_group(&[text], false).pop().expect("one vector")
    }

    /// The vectors of texts, on every core. What depends on a piece alone
    /// (its projection, and its share of every window of the first
    /// convolution, which is linear in the window's rows) is computed once
    /// per distinct piece of the batch: a batch of passages has far fewer
    /// distinct pieces than pieces.
    pub fn encode_batch(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        // Groups of texts bound the memory of their distinct pieces' rows
        // (13 KB a piece).
        texts
            .chunks(GROUP)
            .flat_map(|group| self.encode_group(group, true))
            .collect()
    }

    /// The vectors of texts; `tiles`: large products may run on the tile
    /// unit.
    fn encode_group(&self, texts: &[&str], tiles: bool) -> Vec<Vec<f32>> {
        let ids: Vec<Vec<u32>> = texts
            .par_iter()
            .map(|text| {
                // Many texts: each word segmented once (a query is one
                // text, and needs no word cache).
                let mut ids = match texts.len() {
                    1 => self.tokenize(text),
                    _ => self.tokenizer.encode_words(text),
                };
                if ids.len() > MAX_TOKENS {
                    ids.truncate(MAX_TOKENS - 1);
                    ids.push(super::sentencepiece::EOS);
                }
                for id in &mut ids {
                    if *id as usize >= VOCAB_ROWS {
                        *id = super::sentencepiece::UNK;
                    }
                }
                ids
            })
            .collect();
        let mut slots: HashMap<u32, usize> = HashMap::new();
        let mut distinct = Vec::new();
        let local: Vec<Vec<usize>> = ids
            .iter()
            .map(|ids| {
                ids.iter()
                    .map(|&id| {
                        *slots.entry(id).or_insert_with(|| {
                            distinct.push(id);
                            distinct.len() - 1
                        })
                    })
                    .collect()
            })
            .collect();
        let chunks: Vec<PieceRows> = distinct
            .par_chunks(PIECE_CHUNK)
            .map(|chunk| self.piece_rows(chunk, tiles))
            .collect();
        let pieces = Pieces { chunks };
        // Texts in runs of `RUN_TEXTS`, or fewer that reach `RUN_ROWS`
        // tokens.
        let mut runs = Vec::new();
        let (mut start, mut rows) = (0, 0);
        for (i, text) in local.iter().enumerate() {
            rows += text.len().max(1);
            if rows >= RUN_ROWS || i + 1 - start == RUN_TEXTS || i + 1 == local.len() {
                runs.push(start..i + 1);
                (start, rows) = (i + 1, 0);
            }
        }
        runs.into_par_iter()
            .flat_map_iter(|run| self.finish(&pieces, &local[run.clone()], &ids[run], tiles))
            .collect()
    }

    /// The dequantised embeddings of pieces, one row each.
    fn embeddings(&self, ids: &[u32]) -> Array2<f32> {
        let mut out = Array2::<f32>::zeros((ids.len(), DIM));
        for (mut row, &id) in out.outer_iter_mut().zip(ids) {
            let id = id as usize;
            let chunk = id % CHUNKS;
            let (scale, lo) = (self.scale[chunk], self.lo[chunk]);
            let quantised = &self.table[id * DIM..(id + 1) * DIM];
            for (out, &q) in row.iter_mut().zip(quantised) {
                *out = f32::from(q) * scale + lo;
            }
        }
        out
    }

    /// What depends on each of these pieces alone (on the tile unit if
    /// `allowed`).
    fn piece_rows(&self, ids: &[u32], allowed: bool) -> PieceRows {
        let tiles = self.tiles(allowed, ids.len());
        let mut x = times(
            self.embeddings(ids).view(),
            &self.proj,
            tiles.map(|t| &t.proj),
        );
        x += &self.proj_b;
        layer_norm(&mut x, self.ln_g_all, self.ln_b_all, self.eps);
        let shares = self
            .branches
            .iter()
            .enumerate()
            .map(|(i, branch)| {
                let part = x.slice(s![.., i * BRANCH..(i + 1) * BRANCH]);
                times(part, &branch.w1s, tiles.map(|t| &t.w1s[i]))
            })
            .collect();
        PieceRows { x, shares }
    }

    /// Texts' vectors from their pieces' rows, computed together: their
    /// tokens are the rows of each product, so that the weights are read
    /// once for them all (on the tile unit if `allowed`).
    fn finish(
        &self,
        pieces: &Pieces,
        local: &[Vec<usize>],
        ids: &[Vec<u32>],
        allowed: bool,
    ) -> Vec<Vec<f32>> {
        // Each text's rows; an empty text has one row of zeros.
        let mut texts = Vec::with_capacity(local.len());
        let mut rows = 0;
        for local in local {
            texts.push(rows..rows + local.len().max(1));
            rows += local.len().max(1);
        }
        // The piece in each row, if any.
        let mut row_pieces = vec![None; rows];
        for (range, local) in texts.iter().zip(local) {
            for (slot, &n) in row_pieces[range.clone()].iter_mut().zip(local) {
                *slot = Some(n);
            }
        }
        let tiles = self.tiles(allowed, rows);
        let mut features = Array2::<f32>::zeros((rows, FEATURES));
        for (range, ids) in texts.iter().zip(ids) {
            features
                .slice_mut(s![range.start..range.start + ids.len(), ..DIM])
                .assign(&self.embeddings(ids));
        }
        for (i, branch) in self.branches.iter().enumerate() {
            let mut h = Array2::<f32>::zeros((rows, BRANCH));
            let h_rows = h.as_slice_mut().expect("a fresh array");
            let b1 = branch.b1.as_slice().expect("a mapped vector");
            for range in &texts {
                for t in range.clone() {
                    let row = &mut h_rows[t * BRANCH..(t + 1) * BRANCH];
                    row.copy_from_slice(b1);
                    for k in 0..branch.order {
                        let Some(n) = source(range, t, k, branch.left).and_then(|r| row_pieces[r])
                        else {
                            continue;
                        };
                        let share = pieces.share(n, i);
                        let share = &share.to_slice().expect("a row")[k * BRANCH..(k + 1) * BRANCH];
                        for (h, s) in row.iter_mut().zip(share) {
                            *h += s;
                        }
                    }
                    for h in row.iter_mut() {
                        *h = relu(*h);
                    }
                    if let Some(n) = row_pieces[t] {
                        let x = pieces.x(n);
                        let x = &x.to_slice().expect("a row")[i * BRANCH..(i + 1) * BRANCH];
                        for (h, x) in row.iter_mut().zip(x) {
                            *h += x;
                        }
                    }
                }
            }
            let h_rows = h.as_slice().expect("a fresh array");
            let width = branch.order * BRANCH;
            let c = match tiles {
                Some(t) => {
                    let mut rounded = vec![0u16; h_rows.len()];
                    amx::round(h_rows, &mut rounded);
                    let mut windows = amx::Left::zeros(rows, width);
                    each_window(&texts, branch.order, branch.left, |t, k, r| {
                        windows.row_mut(t)[k * BRANCH..(k + 1) * BRANCH]
                            .copy_from_slice(&rounded[r * BRANCH..(r + 1) * BRANCH]);
                    });
                    amx::product(&windows, &t.w2[i])
                }
                None => {
                    let mut windows = Array2::<f32>::zeros((rows, width));
                    each_window(&texts, branch.order, branch.left, |t, k, r| {
                        windows
                            .slice_mut(s![t, k * BRANCH..(k + 1) * BRANCH])
                            .assign(&h.row(r));
                    });
                    matmul(&windows.view(), &branch.w2)
                }
            };
            // The second convolution's output, rectified, plus its input,
            // into the features, in one pass.
            let at = DIM + i * BRANCH;
            let b2 = branch.b2.as_slice().expect("a mapped vector");
            let c = c.as_slice().expect("a fresh array");
            for (t, mut out) in features.outer_iter_mut().enumerate() {
                let out = &mut out.as_slice_mut().expect("a row")[at..at + BRANCH];
                let c = &c[t * BRANCH..(t + 1) * BRANCH];
                let h = &h_rows[t * BRANCH..(t + 1) * BRANCH];
                for (((o, &c), &b), &h) in out.iter_mut().zip(c).zip(b2).zip(h) {
                    *o = relu(c + b) + h;
                }
            }
        }
        layer_norm(&mut features, self.ln_g, self.ln_b, self.eps);
        let mut sums = Array2::<f32>::zeros((texts.len(), FEATURES));
        for (mut sum, range) in sums.outer_iter_mut().zip(&texts) {
            sum.assign(&features.slice(s![range.clone(), ..]).sum_axis(Axis(0)));
        }
        let tokens: Vec<usize> = texts.iter().map(|r| r.len()).collect();
        self.dense(sums, &tokens, allowed)
    }

    /// The pooling projection and the dense layers over texts' summed
    /// features (one text a row, `tokens` each): the texts' vectors,
    /// L2-normalised (on the tile unit if `allowed`).
    fn dense(&self, sums: Array2<f32>, tokens: &[usize], allowed: bool) -> Vec<Vec<f32>> {
        let tiles = self.tiles(allowed, sums.nrows());
        let product = |a: &Array2<f32>, pick: fn(&Tiles) -> &Packed, b: &ArrayView2<f32>| {
            times(a.view(), b, tiles.map(pick))
        };
        let mut pooled = product(&sums, |t| &t.cnn_w, &self.cnn_w);
        for (mut row, &n) in pooled.outer_iter_mut().zip(tokens) {
            row.scaled_add(n as f32, &self.cnn_b);
            row *= 1.0 / (n as f32).sqrt();
        }
        let y0 = product(&pooled, |t| &t.d0, &self.d0).mapv(relu);
        let mut y1 = product(&pooled, |t| &t.p1, &self.p1);
        y1 += &product(&y0, |t| &t.d1, &self.d1);
        y1.mapv_inplace(relu);
        let y2 = product(&y1, |t| &t.d2, &self.d2).mapv(relu);
        let mut z = product(&y1, |t| &t.p3, &self.p3);
        z += &product(&y2, |t| &t.d3, &self.d3);
        z.mapv_inplace(f32::tanh);
        z.outer_iter()
            .map(|z| {
                let norm = z.dot(&z).max(self.eps).sqrt();
                z.iter().map(|v| v / norm).collect()
            })
            .collect()
    }
}

/// Texts encoded together: enough to share most pieces (a group of
/// passages has far fewer distinct pieces than pieces), few enough that the
/// rows of their distinct pieces stay within a hundred megabytes or so.
const GROUP: usize = 512;

/// Distinct pieces computed together.
const PIECE_CHUNK: usize = 256;

/// Texts that go through the convolutions and dense layers together: their
/// tokens are the rows of each product, so that the weights are read once
/// for many rows, and the dense layers have a row per text.
const RUN_TEXTS: usize = 32;

/// Tokens at which a run of texts ends before `RUN_TEXTS`, so that a run's
/// features (5 KB a token) stay a few tens of megabytes.
const RUN_ROWS: usize = 4096;

/// What depends on one piece alone, for a chunk of pieces: the projected,
/// normalised row (`x`, the three branches side by side), and per branch
/// the row's share of each window place of the first convolution.
struct PieceRows {
    x: Array2<f32>,
    shares: Vec<Array2<f32>>,
}

/// The rows of a batch's distinct pieces, by their number in the batch.
struct Pieces {
    chunks: Vec<PieceRows>,
}

impl Pieces {
    /// A piece's projected row.
    fn x(&self, n: usize) -> ArrayView1<'_, f32> {
        self.chunks[n / PIECE_CHUNK].x.row(n % PIECE_CHUNK)
    }

    /// A piece's shares of the windows of branch `branch`.
    fn share(&self, n: usize, branch: usize) -> ArrayView1<'_, f32> {
        self.chunks[n / PIECE_CHUNK].shares[branch].row(n % PIECE_CHUNK)
    }
}

/// `a × b`: on the tile unit with `packed` (`b` laid out for it), else
/// in `f32`.
fn times(a: ArrayView2<f32>, b: &ArrayView2<f32>, packed: Option<&Packed>) -> Array2<f32> {
    match packed {
        Some(packed) => amx::matmul(a, packed),
        None => matmul(&a, b),
    }
}

/// A matrix product, with the `gemm` crate's kernels (AVX2 and FMA where
/// the processor has them).
fn matmul(a: &ArrayView2<f32>, b: &ArrayView2<f32>) -> Array2<f32> {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert_eq!(k, k2, "matrix shapes");
    let mut out = Array2::<f32>::zeros((m, n));
    let (a_rs, a_cs) = (a.strides()[0], a.strides()[1]);
    let (b_rs, b_cs) = (b.strides()[0], b.strides()[1]);
    // SAFETY: the pointers and strides describe the three arrays exactly
    // (shapes checked above); `out` is a fresh array in standard layout
    // that nothing else reads while the product is written.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            1,
            n as isize,
            false,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            0.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
    out
}

fn relu(v: f32) -> f32 {
    v.max(0.0)
}

/// The row at place `k` of the n-gram window of row `t`, within its
/// text's rows: `t - left + k`, if the text has it.
fn source(text: &Range<usize>, t: usize, k: usize, left: usize) -> Option<usize> {
    (t + k).checked_sub(left).filter(|r| text.contains(r))
}

/// Calls `place(t, k, r)` for each row `t` of the texts and each place `k`
/// of its n-gram window (`order` rows from `t - left`) that holds row `r`
/// of the same text.
fn each_window(
    texts: &[Range<usize>],
    order: usize,
    left: usize,
    mut place: impl FnMut(usize, usize, usize),
) {
    for text in texts {
        for t in text.clone() {
            for k in 0..order {
                if let Some(r) = source(text, t, k, left) {
                    place(t, k, r);
                }
            }
        }
    }
}

/// Layer normalisation of each row, in place.
fn layer_norm(x: &mut Array2<f32>, gamma: ArrayView1<f32>, beta: ArrayView1<f32>, eps: f32) {
    let width = x.ncols() as f32;
    let gamma = gamma.as_slice().expect("a mapped vector");
    let beta = beta.as_slice().expect("a mapped vector");
    for mut row in x.outer_iter_mut() {
        let row = row.as_slice_mut().expect("a row");
        debug_assert!(row.len() == gamma.len() && row.len() == beta.len());
        // Two reading passes (the mean, then the variance about it, as
        // before), and one that writes.
        let mean = lanes_sum(row, |v| v) / width;
        let var = lanes_sum(row, |v| (v - mean) * (v - mean)) / width;
        let scale = 1.0 / (var + eps).sqrt();
        for ((v, &g), &b) in row.iter_mut().zip(gamma).zip(beta) {
            *v = (*v - mean) * scale * g + b;
        }
    }
}

/// The sum of `f` over `values`, in eight lanes (which the compiler keeps
/// in one vector register; a single running sum would be one addition at
/// a time).
fn lanes_sum(values: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let mut lanes = [0f32; 8];
    let chunks = values.chunks_exact(8);
    let rest: f32 = chunks.remainder().iter().map(|&v| f(v)).sum();
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane += f(v);
        }
    }
    lanes.iter().sum::<f32>() + rest
}
