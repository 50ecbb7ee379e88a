//! Matrix products on the processor's tile unit (Intel AMX, bfloat16),
//! for the encoder's large products.
//!
//! A tile multiply (`tdpbf16ps`) adds the product of a 16 × 32 bfloat16
//! tile and a 32 × 16 one into a 16 × 16 tile of `f32`: 8,192
//! multiply-adds in one instruction, about sixteen times what the vector
//! units do in the same time. Inputs are rounded to bfloat16 (8 bits of
//! mantissa); sums are kept in `f32`. The weights are laid out once for
//! the tiles ([`Packed`]); each product rounds its left operand.
//!
//! Used only where the processor has AMX-BF16 and the kernel lets the
//! process use its tile registers (Linux, `arch_prctl`); elsewhere
//! [`available`] says no and the encoder keeps its `f32` kernels.
//! `NREL_ENCODER_KERNEL=f32` turns the tiles off (to compare).

use ndarray::{Array2, ArrayView2};

/// Rows of every tile, and columns of a tile of `f32` results.
const TILE: usize = 16;
/// Depth of one tile multiply: bfloat16 values a tile row holds.
pub const DEPTH: usize = 32;
/// Rows and columns of the block of results one pass computes (2 × 2
/// tiles).
const BLOCK: usize = 2 * TILE;

/// Whether products can run on the tile unit: the processor has AMX-BF16,
/// the kernel grants the process its tile registers, and the tiles are not
/// turned off. Asked once.
pub fn available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let off = std::env::var("NREL_ENCODER_KERNEL").is_ok_and(|v| v == "f32");
        !off && imp::enable()
    })
}

/// A right-hand operand (`k × n`, both multiples of [`DEPTH`]) in the
/// tiles' layout: for each block of 16 columns and each 32 rows, a tile of
/// 16 rows, each holding 16 pairs of bfloat16 values (rows `2r` and
/// `2r + 1` of a column side by side).
pub struct Packed {
    k: usize,
    n: usize,
    data: Vec<u16>,
}

impl Packed {
    /// Lays out `b` for the tiles; `None` when its shape does not fit them.
    pub fn new(b: ArrayView2<f32>) -> Option<Packed> {
        let (k, n) = b.dim();
        if k == 0 || n == 0 || !k.is_multiple_of(DEPTH) || !n.is_multiple_of(BLOCK) {
            return None;
        }
        let mut data = vec![0u16; k * n];
        let per_block = k * TILE;
        for col in 0..n {
            let (block, j) = (col / TILE, col % TILE);
            let base = block * per_block;
            for row in 0..k {
                // Depth block, pair within it, and place in the pair.
                let (depth, pair, half) = (row / DEPTH, (row % DEPTH) / 2, row % 2);
                let at = base + depth * TILE * DEPTH + pair * 2 * TILE + 2 * j + half;
                data[at] = bf16(b[(row, col)]);
            }
        }
        Some(Packed { k, n, data })
    }
}

/// A left-hand operand (`m × k`) in bfloat16, its rows padded with zeros
/// to whole blocks of tiles.
pub struct Left {
    m: usize,
    k: usize,
    data: Vec<u16>,
}

impl Left {
    /// Zeros.
    pub fn zeros(m: usize, k: usize) -> Left {
        let rows = m.div_ceil(BLOCK) * BLOCK;
        Left {
            m,
            k,
            data: vec![0; rows * k],
        }
    }

    /// `a`, rounded to bfloat16.
    pub fn from_f32(a: ArrayView2<f32>) -> Left {
        let (m, k) = a.dim();
        let mut left = Left::zeros(m, k);
        for (i, row) in a.outer_iter().enumerate() {
            let out = left.row_mut(i);
            for (o, &v) in out.iter_mut().zip(row.iter()) {
                *o = bf16(v);
            }
        }
        left
    }

    /// Row `i`.
    pub fn row_mut(&mut self, i: usize) -> &mut [u16] {
        assert!(i < self.m, "row {i} of {}", self.m);
        &mut self.data[i * self.k..(i + 1) * self.k]
    }
}

/// `values` rounded to bfloat16, into `out` (of the same length).
pub fn round(values: &[f32], out: &mut [u16]) {
    assert_eq!(values.len(), out.len());
    for (o, &v) in out.iter_mut().zip(values) {
        *o = bf16(v);
    }
}

/// `left × b` on the tile unit. Callers check [`available`] first and that
/// `left` has as many columns as `b` has rows.
pub fn product(left: &Left, b: &Packed) -> Array2<f32> {
    assert_eq!(left.k, b.k, "matrix shapes");
    assert!(available(), "tile products without the tile unit");
    let rows = left.data.len() / left.k;
    let mut out = vec![0f32; rows * b.n];
    imp::product(&left.data, rows, left.k, b, &mut out);
    out.truncate(left.m * b.n);
    Array2::from_shape_vec((left.m, b.n), out).expect("the product's shape")
}

/// `a × b` on the tile unit, `a` rounded to bfloat16; as [`product`].
pub fn matmul(a: ArrayView2<f32>, b: &Packed) -> Array2<f32> {
    product(&Left::from_f32(a), b)
}

/// `v` rounded to the nearest bfloat16 (ties to even).
fn bf16(v: f32) -> u16 {
    if v.is_nan() {
        // Quiet, whatever its payload: rounding could carry it to infinity.
        return 0x7fc0;
    }
    let bits = v.to_bits();
    let rounded = bits.wrapping_add(0x7fff + ((bits >> 16) & 1));
    (rounded >> 16) as u16
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
mod imp {
    use std::arch::asm;

    use super::{Packed, BLOCK, DEPTH, TILE};

    /// `asm!` that may change every tile register (the compiler keeps
    /// nothing there; declared all the same).
    macro_rules! tile_asm {
        ($($args:tt)*) => {
            asm!(
                $($args)*,
                out("tmm0") _,
                out("tmm1") _,
                out("tmm2") _,
                out("tmm3") _,
                out("tmm4") _,
                out("tmm5") _,
                out("tmm6") _,
                out("tmm7") _,
                options(nostack),
            )
        };
    }

    /// Whether the processor has AMX-BF16 and the kernel grants the tile
    /// registers to this process (all its threads).
    pub fn enable() -> bool {
        // CPUID leaf 7: EDX bit 22 is AMX-BF16, bit 24 AMX-TILE.
        // SAFETY: CPUID leaf 7 exists on every x86-64 processor this
        // builds for (it answers zeros where a leaf is not supported).
        // Newer compilers than `rust-version` no longer need the block.
        #[allow(unused_unsafe)]
        let leaf = unsafe { std::arch::x86_64::__cpuid_count(7, 0) };
        if leaf.edx & (1 << 22) == 0 || leaf.edx & (1 << 24) == 0 {
            return false;
        }
        const ARCH_REQ_XCOMP_PERM: libc::c_long = 0x1023;
        const XFEATURE_XTILEDATA: libc::c_long = 18;
        // SAFETY: arch_prctl with these arguments only asks the kernel for
        // permission; it touches no memory of the process.
        unsafe {
            libc::syscall(
                libc::SYS_arch_prctl,
                ARCH_REQ_XCOMP_PERM,
                XFEATURE_XTILEDATA,
            ) == 0
        }
    }

    /// The tile configuration: palette 1, tiles 0–3 results (16 rows of
    /// 16 `f32`), 4–5 left rows, 6–7 right pairs (16 rows of 64 bytes
    /// each).
    #[repr(C, align(64))]
    struct Config([u8; 64]);

    impl Config {
        fn new() -> Config {
            let mut c = [0u8; 64];
            c[0] = 1;
            for tile in 0..8 {
                c[16 + 2 * tile] = 64;
                c[48 + tile] = TILE as u8;
            }
            Config(c)
        }
    }

    /// `out` (`rows × b.n`, `f32`) = `left` (`rows × k`, bfloat16, rows a
    /// multiple of 32) × `b`.
    pub fn product(left: &[u16], rows: usize, k: usize, b: &Packed, out: &mut [f32]) {
        assert!(rows.is_multiple_of(BLOCK) && left.len() == rows * k && out.len() == rows * b.n);
        let config = Config::new();
        let depths = k / DEPTH;
        let left_stride = k * 2;
        let out_stride = b.n * 4;
        let per_block = k * TILE;
        // SAFETY: the process has the tile registers (`enable`, checked by
        // the caller through `available`); the configuration is loaded
        // before any tile is used and released after. Every tile load
        // reads 16 rows of 64 bytes inside `left` (rows `r..r + 32` of
        // `rows`, bytes `2 * 32 * d ..` of a row of `2k`) or inside
        // `b.data` (tile `d` of a 16-column block, 1,024 bytes each,
        // `depths` of them); every store writes 16 rows of 64 bytes inside
        // `out` (columns `c..c + 32` of `b.n`, rows `r..r + 32` of
        // `rows`).
        unsafe {
            tile_asm!("ldtilecfg [{}]", in(reg) config.0.as_ptr());
            // Rows outer: a block of rows is read from memory once and
            // stays in the cache for every block of columns, whose
            // weights (a few hundred kilobytes in all) stay there too.
            for r in (0..rows).step_by(BLOCK) {
                let a0 = left.as_ptr().add(r * k);
                let a1 = a0.add(TILE * k);
                for c in (0..b.n).step_by(BLOCK) {
                    let b0 = b.data.as_ptr().add((c / TILE) * per_block);
                    let b1 = b0.add(per_block);
                    let c00 = out.as_mut_ptr().add(r * b.n + c);
                    let c01 = c00.add(TILE);
                    let c10 = c00.add(TILE * b.n);
                    let c11 = c10.add(TILE);
                    tile_asm!(
                        "tilezero tmm0",
                        "tilezero tmm1",
                        "tilezero tmm2",
                        "tilezero tmm3",
                        "2:",
                        "tileloadd tmm4, [{a0} + {ls}*1]",
                        "tileloadd tmm5, [{a1} + {ls}*1]",
                        "tileloadd tmm6, [{b0} + {bs}*1]",
                        "tileloadd tmm7, [{b1} + {bs}*1]",
                        "tdpbf16ps tmm0, tmm4, tmm6",
                        "tdpbf16ps tmm1, tmm4, tmm7",
                        "tdpbf16ps tmm2, tmm5, tmm6",
                        "tdpbf16ps tmm3, tmm5, tmm7",
                        "add {a0}, 64",
                        "add {a1}, 64",
                        "add {b0}, 1024",
                        "add {b1}, 1024",
                        "dec {d}",
                        "jnz 2b",
                        "tilestored [{c00} + {os}*1], tmm0",
                        "tilestored [{c01} + {os}*1], tmm1",
                        "tilestored [{c10} + {os}*1], tmm2",
                        "tilestored [{c11} + {os}*1], tmm3",
                        a0 = inout(reg) a0 => _,
                        a1 = inout(reg) a1 => _,
                        b0 = inout(reg) b0 => _,
                        b1 = inout(reg) b1 => _,
                        d = inout(reg) depths => _,
                        ls = in(reg) left_stride,
                        bs = in(reg) 64usize,
                        os = in(reg) out_stride,
                        c00 = in(reg) c00,
                        c01 = in(reg) c01,
                        c10 = in(reg) c10,
                        c11 = in(reg) c11
                    );
                }
            }
            tile_asm!("tilerelease");
        }
    }
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
mod imp {
    use super::Packed;

    pub fn enable() -> bool {
        false
    }

    pub fn product(_: &[u16], _: usize, _: usize, _: &Packed, _: &mut [f32]) {
        unreachable!("tile products are used only where `enable` said yes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A matrix of deterministic values in about [-1, 1].
    fn matrix(rows: usize, cols: usize, seed: u64) -> Array2<f32> {
        let mut state = seed;
        Array2::from_shape_fn((rows, cols), |_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
    }

    #[test]
    fn rounding_to_bfloat16_keeps_eight_bits_and_ties_to_even() {
        assert_eq!(bf16(1.0), 0x3f80);
        assert_eq!(bf16(-2.0), 0xc000);
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: to even, down.
        assert_eq!(bf16(1.0 + 1.0 / 256.0), 0x3f80);
        // 1 + 3 × 2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: up.
        assert_eq!(bf16(1.0 + 3.0 / 256.0), 0x3f82);
        assert_eq!(bf16(1.0 + 1.0 / 128.0 + 1.0 / 1024.0), 0x3f81);
        assert!(f32::from_bits(u32::from(bf16(f32::NAN)) << 16).is_nan());
        assert_eq!(bf16(f32::INFINITY), 0x7f80);
    }

    #[test]
    fn only_shapes_the_tiles_hold_are_packed() {
        assert!(Packed::new(matrix(64, 32, 1).view()).is_some());
        assert!(Packed::new(matrix(48, 32, 1).view()).is_none());
        assert!(Packed::new(matrix(64, 48, 1).view()).is_none());
    }

    /// What `tdpbf16ps` computes, pair by pair, from the operands as they
    /// are laid out for the tiles: checks the layout on any processor.
    fn emulated(left: &Left, b: &Packed) -> Array2<f32> {
        let value = |x: u16| f32::from_bits(u32::from(x) << 16);
        let per_block = b.k * TILE;
        Array2::from_shape_fn((left.m, b.n), |(m, c)| {
            let (block, j) = (c / TILE, c % TILE);
            let mut sum = 0f32;
            for d in 0..b.k / DEPTH {
                let tile = &b.data[block * per_block + d * TILE * DEPTH..];
                let row = &left.data[m * left.k + d * DEPTH..];
                for p in 0..DEPTH / 2 {
                    let pair = &tile[p * 2 * TILE + 2 * j..];
                    sum +=
                        value(row[2 * p]) * value(pair[0]) + value(row[2 * p + 1]) * value(pair[1]);
                }
            }
            sum
        })
    }

    /// `got` within what rounding the operands to bfloat16 allows of the
    /// `f32` product `exact` (depth `k`).
    fn assert_near(got: &Array2<f32>, exact: &Array2<f32>, k: usize, what: &str) {
        assert_eq!(got.dim(), exact.dim(), "{what}");
        // Each product of two values rounded to 8 bits errs by at most
        // about 2^-8 of it; over k terms of either sign the errors mostly
        // cancel.
        let bound = (k as f32).sqrt() * 2.0 / 256.0;
        for (t, e) in got.iter().zip(exact.iter()) {
            assert!((t - e).abs() < bound, "{what}: {t} against {e}");
        }
        let squares: f32 = got
            .iter()
            .zip(exact.iter())
            .map(|(t, e)| (t - e) * (t - e))
            .sum();
        let rms = (squares / got.len() as f32).sqrt();
        assert!(rms < bound / 4.0, "{what}: rms {rms}");
    }

    const SHAPES: [(usize, usize, usize); 4] =
        [(1, 32, 32), (45, 256, 64), (100, 1280, 256), (33, 96, 96)];

    #[test]
    fn the_layout_gives_the_product() {
        // Rows not a multiple of 32, several column and depth blocks.
        for (m, k, n) in SHAPES {
            let a = matrix(m, k, 7 + m as u64);
            let b = matrix(k, n, 11 + n as u64);
            let got = emulated(&Left::from_f32(a.view()), &Packed::new(b.view()).unwrap());
            assert_near(&got, &a.dot(&b), k, &format!("{m}×{k}×{n}"));
        }
    }

    #[test]
    fn tile_products_match_f32_products_to_bfloat16_precision() {
        if !available() {
            eprintln!("no AMX-BF16 here: the tile products are not run");
            return;
        }
        for (m, k, n) in SHAPES {
            let a = matrix(m, k, 7 + m as u64);
            let b = matrix(k, n, 11 + n as u64);
            let (left, packed) = (Left::from_f32(a.view()), Packed::new(b.view()).unwrap());
            let tiles = product(&left, &packed);
            let what = format!("{m}×{k}×{n}");
            assert_near(&tiles, &a.dot(&b), k, &what);
            // The same sums as the emulation, but for their order.
            for (t, e) in tiles.iter().zip(emulated(&left, &packed).iter()) {
                assert!(
                    (t - e).abs() <= 1e-5 * (k as f32),
                    "{what}: {t} against {e}"
                );
            }
        }
    }
}
