//! The forward pass of the multilingual sentence encoder (Universal
//! Sentence Encoder multilingual v3): token embeddings, three n-gram
//! convolution branches (orders 2, 3 and 5) with layer norm, a pooled
//! projection and three dense layers, giving an L2-normalised
//! 512-dimensional vector.

use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, Axis};

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
        out.push((format!("w1_{n}"), n * BRANCH * BRANCH));
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
}

struct Branch<'a> {
    order: usize,
    left: usize,
    w1: ArrayView2<'a, f32>,
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
        let matrix = |name: &str, rows: usize, cols: usize| -> Result<ArrayView2<'a, f32>, String> {
            ArrayView2::from_shape((rows, cols), file.f32s(name, Some(rows * cols))?).map_err(|e| e.to_string())
        };
        let table = file.bytes("table")?;
        if table.len() != VOCAB_ROWS * DIM {
            return Err("the embedding table has the wrong size".into());
        }
        let scores = file.f32s("sp_scores", None)?;
        let tokenizer = Tokenizer::new(file.bytes("sp_pieces")?, scores, file.u32s("sp_units")?, file.bytes("sp_replacements")?)
            .ok_or("the tokenizer's pieces are damaged")?;
        if scores.len() > VOCAB_ROWS {
            return Err("more pieces than embeddings".into());
        }
        let mut branches = Vec::new();
        for (order, left) in ORDERS {
            branches.push(Branch {
                order,
                left,
                w1: matrix(&format!("w1_{order}"), order * BRANCH, BRANCH)?,
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
        })
    }

    /// The tokenizer's ids for `text`, `<s>` and `</s>` included.
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text)
    }

    /// The vector of a text.
    pub fn encode(&self, text: &str) -> Vec<f32> {
        let mut ids = self.tokenize(text);
        if ids.len() > MAX_TOKENS {
            ids.truncate(MAX_TOKENS - 1);
            ids.push(super::sentencepiece::EOS);
        }
        self.encode_ids(&ids)
    }

    /// The vector of a sequence of piece ids.
    pub fn encode_ids(&self, ids: &[u32]) -> Vec<f32> {
        let tokens = ids.len().max(1);
        let mut features = Array2::<f32>::zeros((tokens, FEATURES));
        for (mut row, &id) in features.outer_iter_mut().zip(ids) {
            let id = if (id as usize) < VOCAB_ROWS { id as usize } else { 0 };
            let chunk = id % CHUNKS;
            let (scale, lo) = (self.scale[chunk], self.lo[chunk]);
            let quantised = &self.table[id * DIM..(id + 1) * DIM];
            for (out, &q) in row.slice_mut(s![..DIM]).iter_mut().zip(quantised) {
                *out = f32::from(q) * scale + lo;
            }
        }
        let mut x = features.slice(s![.., ..DIM]).dot(&self.proj);
        x += &self.proj_b;
        layer_norm(&mut x, self.ln_g_all, self.ln_b_all, self.eps);
        for (i, branch) in self.branches.iter().enumerate() {
            let xs = x.slice(s![.., i * BRANCH..(i + 1) * BRANCH]);
            let mut h = windows(xs, branch.order, branch.left).dot(&branch.w1);
            h += &branch.b1;
            h.mapv_inplace(relu);
            h += &xs;
            let mut c = windows(h.view(), branch.order, branch.left).dot(&branch.w2);
            c += &branch.b2;
            c.mapv_inplace(relu);
            c += &h;
            let at = DIM + i * BRANCH;
            features.slice_mut(s![.., at..at + BRANCH]).assign(&c);
        }
        layer_norm(&mut features, self.ln_g, self.ln_b, self.eps);
        let sum = features.sum_axis(Axis(0));
        let mut pooled = sum.dot(&self.cnn_w);
        pooled.scaled_add(tokens as f32, &self.cnn_b);
        pooled *= 1.0 / (tokens as f32).sqrt();

        let y0 = pooled.dot(&self.d0).mapv(relu);
        let mut y1 = pooled.dot(&self.p1);
        y1 += &y0.dot(&self.d1);
        y1.mapv_inplace(relu);
        let y2 = y1.dot(&self.d2).mapv(relu);
        let mut z: Array1<f32> = y1.dot(&self.p3);
        z += &y2.dot(&self.d3);
        z.mapv_inplace(f32::tanh);
        let norm = z.dot(&z).max(self.eps).sqrt();
        z.mapv_inplace(|v| v / norm);
        z.to_vec()
    }
}

fn relu(v: f32) -> f32 {
    v.max(0.0)
}

/// Each row's n-gram window: the rows `t - left .. t - left + order` side by
/// side, zeros outside the text.
fn windows(x: ArrayView2<f32>, order: usize, left: usize) -> Array2<f32> {
    let (rows, width) = x.dim();
    let mut out = Array2::<f32>::zeros((rows, order * width));
    for t in 0..rows {
        for k in 0..order {
            let Some(source) = (t + k).checked_sub(left).filter(|&r| r < rows) else {
                continue;
            };
            out.slice_mut(s![t, k * width..(k + 1) * width]).assign(&x.row(source));
        }
    }
    out
}

/// Layer normalisation of each row, in place.
fn layer_norm(x: &mut Array2<f32>, gamma: ArrayView1<f32>, beta: ArrayView1<f32>, eps: f32) {
    let width = x.ncols() as f32;
    for mut row in x.outer_iter_mut() {
        let mean = row.sum() / width;
        row -= mean;
        let var = row.dot(&row) / width;
        row *= 1.0 / (var + eps).sqrt();
        row *= &gamma;
        row += &beta;
    }
}
