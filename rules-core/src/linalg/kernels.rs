//! Hand-vectorised kernels for the thin products of the SVD pullback on a tall or wide input,
//! where every small dimension is at most [`MAX_K`]: the fused update `out ← X·B + out·O` of a
//! block of rows and the Gram sum `acc ← acc + Xᵀ·Y` over a block of rows.
//!
//! faer's general product handles these shapes with kernels meant for large inner dimensions,
//! and the crate is built for baseline x86-64; so the pullback's fused update was compute-bound
//! at k = 10, and took as long as its Gram sums twice over. These kernels run under `pulp`'s
//! runtime dispatch (AVX-512, or AVX2 and FMA, where the CPU has them; the workspace enables
//! pulp's `x86-v4`, which faer's own pulp code then also uses), keep a tile of the result in
//! registers, wide enough (8 to 16 independent sums) to hide the multiply-add latency, and read
//! each operand once per tile.
//!
//! Measured on one thread at 200000×10 (`cargo test --release -p rules-core --lib
//! kernels_timing -- --ignored --nocapture`, which prints both): the fused update about 1.8×
//! (row-major) and 2.0× (column-major) faster than faer's two products and copy, the Gram sum
//! level with faer's.
//!
//! Two layouts are served, chosen by the output block's: *columns* (each column contiguous,
//! vectors run down the rows) and *rows* (the block contiguous and row-major, vectors run
//! along a row). Any other combination returns `false` and the caller uses faer.
//!
//! Every sum is taken in an order fixed by the block's shape alone: the same block gives the
//! same bits on every call and on any thread.

use ndarray::{ArrayView2, ArrayViewMut2, Axis};
use pulp::{Arch, Simd, WithSimd};

/// The largest small dimension (`k`, and the result's columns) the kernels take.
pub(crate) const MAX_K: usize = 16;

/// The kernels, for the real types (`f32`, `f64`); sealed with [`Real`](super::Real).
pub trait SmallKernels: Sized {
    /// `out ← x·b + [own] out·own` for a block: `out` r×c, `x` r×k, `b` k×c, `own` c×c, with
    /// `k, c ≤ MAX_K`. `false` (and `out` untouched) when the layouts are not served.
    fn fused_rows(
        out: ArrayViewMut2<'_, Self>,
        x: ArrayView2<'_, Self>,
        b: ArrayView2<'_, Self>,
        own: Option<ArrayView2<'_, Self>>,
    ) -> bool;

    /// `acc ← acc + xᵀ·y` for a block: `x` r×k, `y` r×c, `acc` k×c, with `k, c ≤ MAX_K`.
    /// `false` (and `acc` untouched) when the layouts are not served.
    fn gram(acc: ArrayViewMut2<'_, Self>, x: ArrayView2<'_, Self>, y: ArrayView2<'_, Self>)
    -> bool;
}

/// Each column of `v` as a slice, if every column is contiguous.
fn column_slices<'a, T>(v: ArrayView2<'a, T>) -> Option<Vec<&'a [T]>> {
    (0..v.ncols())
        .map(|l| v.index_axis_move(Axis(1), l).to_slice())
        .collect()
}

/// `b` (rows×cols, at most 2·MAX_K × MAX_K) into a zero-padded row-major tile at row `at`.
fn pack<T: Copy>(tile: &mut [[T; MAX_K]; 2 * MAX_K], at: usize, b: ArrayView2<'_, T>) {
    for (row, b_row) in tile[at..].iter_mut().zip(b.rows()) {
        for (t, &v) in row.iter_mut().zip(b_row) {
            *t = v;
        }
    }
}

macro_rules! small_kernels {
    ($m:ident, $t:ident, $v:ident, $splat:ident, $fma:ident, $as_simd:ident, $as_mut_simd:ident,
     $reduce:ident, $lanes:ident) => {
        mod $m {
            use super::*;

            /// Column layout: `y[j] ← Σ_l x[l]·w[l][j] + Σ_l y[l]·w[kx + l][j]` down the rows.
            pub(super) type Tile = [[$t; MAX_K]; 2 * MAX_K];

            pub(super) struct FusedColumns<'a, 'b> {
                pub x: &'a [&'a [$t]],
                pub y: &'a mut [&'b mut [$t]],
                pub w: &'a Tile,
                /// How many columns of `y` feed the sum (`0` without `own`).
                pub ky: usize,
            }

            /// A tile of `W` result columns from `j0`, for the pair of row vectors `t`.
            #[inline(always)]
            fn column_tile<S: Simd, const W: usize>(
                simd: S,
                xs: &[&[S::$v]],
                ys: &[&mut [S::$v]],
                w: &Tile,
                ky: usize,
                j0: usize,
                t: usize,
            ) -> [[S::$v; 2]; W] {
                let z = simd.$splat(0.0);
                let mut acc = [[z; 2]; W];
                let kx = xs.len();
                for (l, col) in xs.iter().enumerate() {
                    let (a0, a1) = (col[2 * t], col[2 * t + 1]);
                    for (jj, acc) in acc.iter_mut().enumerate() {
                        let wv = simd.$splat(w[l][j0 + jj]);
                        acc[0] = simd.$fma(a0, wv, acc[0]);
                        acc[1] = simd.$fma(a1, wv, acc[1]);
                    }
                }
                for (l, col) in ys[..ky].iter().enumerate() {
                    let (a0, a1) = (col[2 * t], col[2 * t + 1]);
                    for (jj, acc) in acc.iter_mut().enumerate() {
                        let wv = simd.$splat(w[kx + l][j0 + jj]);
                        acc[0] = simd.$fma(a0, wv, acc[0]);
                        acc[1] = simd.$fma(a1, wv, acc[1]);
                    }
                }
                acc
            }

            impl WithSimd for FusedColumns<'_, '_> {
                type Output = ();
                #[inline(always)]
                fn with_simd<S: Simd>(self, simd: S) {
                    let FusedColumns { x, y, w, ky } = self;
                    let c = y.len();
                    let rows = y.first().map_or(0, |col| col.len());
                    let lanes = S::$lanes;
                    let pairs = rows / (2 * lanes);
                    {
                        let xs: Vec<&[S::$v]> = x.iter().map(|col| S::$as_simd(col).0).collect();
                        let mut ys: Vec<&mut [S::$v]> =
                            y.iter_mut().map(|col| S::$as_mut_simd(col).0).collect();
                        let z = simd.$splat(0.0);
                        let mut tile = [[z; 2]; MAX_K];
                        for t in 0..pairs {
                            let mut j0 = 0;
                            while j0 < c {
                                let width = (c - j0).min(4);
                                macro_rules! run {
                                    ($w:literal) => {{
                                        let r = column_tile::<S, $w>(simd, &xs, &ys, w, ky, j0, t);
                                        tile[j0..j0 + $w].copy_from_slice(&r);
                                    }};
                                }
                                match width {
                                    1 => run!(1),
                                    2 => run!(2),
                                    3 => run!(3),
                                    _ => run!(4),
                                }
                                j0 += width;
                            }
                            for (col, r) in ys.iter_mut().zip(&tile) {
                                col[2 * t] = r[0];
                                col[2 * t + 1] = r[1];
                            }
                        }
                    }
                    // The rows past the last pair, one at a time.
                    let mut out = [0.0; MAX_K];
                    for i in pairs * 2 * lanes..rows {
                        for (j, o) in out[..c].iter_mut().enumerate() {
                            let mut sum = 0.0;
                            for (l, col) in x.iter().enumerate() {
                                sum += col[i] * w[l][j];
                            }
                            for (l, col) in y[..ky].iter().enumerate() {
                                sum += col[i] * w[x.len() + l][j];
                            }
                            *o = sum;
                        }
                        for (col, &o) in y.iter_mut().zip(&out[..c]) {
                            col[i] = o;
                        }
                    }
                }
            }

            /// Row layout: `y_i ← Σ_l x_il·w[l] + Σ_l y_il·w[kx + l]` for each row `i`, where
            /// `x` (r×kx) and `y` (r×c) are row-major and contiguous.
            pub(super) struct FusedRows<'a> {
                pub x: &'a [$t],
                pub kx: usize,
                pub y: &'a mut [$t],
                pub c: usize,
                pub w: &'a Tile,
                pub ky: usize,
            }

            /// `R` rows from `i`, `NV` vectors per row.
            #[inline(always)]
            fn row_tile<S: Simd, const R: usize, const NV: usize>(
                simd: S,
                f: &FusedRows<'_>,
                i: usize,
            ) -> [[S::$v; NV]; R] {
                let z = simd.$splat(0.0);
                let mut acc = [[z; NV]; R];
                let x = &f.x[i * f.kx..(i + R) * f.kx];
                let y = &f.y[i * f.c..(i + R) * f.c];
                for (l, w) in f.w[..f.kx].iter().enumerate() {
                    let wv = S::$as_simd(w).0;
                    for (r, acc) in acc.iter_mut().enumerate() {
                        let e = simd.$splat(x[r * f.kx + l]);
                        for (a, &wv) in acc.iter_mut().zip(wv) {
                            *a = simd.$fma(e, wv, *a);
                        }
                    }
                }
                for (l, w) in f.w[f.kx..f.kx + f.ky].iter().enumerate() {
                    let wv = S::$as_simd(w).0;
                    for (r, acc) in acc.iter_mut().enumerate() {
                        let e = simd.$splat(y[r * f.c + l]);
                        for (a, &wv) in acc.iter_mut().zip(wv) {
                            *a = simd.$fma(e, wv, *a);
                        }
                    }
                }
                acc
            }

            #[inline(always)]
            fn rows_with<S: Simd, const NV: usize>(simd: S, f: FusedRows<'_>) {
                let rows = f.y.len() / f.c;
                let c = f.c;
                // Whole vectors, then the row's last entries through a stack buffer: a masked
                // store is slower, and a whole one would run into the next row's input.
                #[inline(always)]
                fn store<S: Simd, const NV: usize>(
                    y: &mut [$t],
                    c: usize,
                    i: usize,
                    acc: &[S::$v; NV],
                ) {
                    let row = &mut y[i * c..(i + 1) * c];
                    let (whole, rest) = S::$as_mut_simd(row);
                    for (v, &a) in whole.iter_mut().zip(acc) {
                        *v = a;
                    }
                    if !rest.is_empty() {
                        let mut buf = [0.0; MAX_K];
                        S::$as_mut_simd(&mut buf).0[0] = acc[NV - 1];
                        let n = rest.len();
                        rest.copy_from_slice(&buf[..n]);
                    }
                }
                // Four rows at a time: 4·NV independent sums, enough to hide the latency of
                // the multiply-adds (with two rows, the kernel was latency-bound).
                // (Eight with 32 registers.)
                let mut i = 0;
                if core::mem::size_of::<S::$v>() >= 64 && NV <= 2 {
                    while i + 8 <= rows {
                        let acc = row_tile::<S, 8, NV>(simd, &f, i);
                        for (r, acc) in acc.iter().enumerate() {
                            store::<S, NV>(f.y, c, i + r, acc);
                        }
                        i += 8;
                    }
                }
                while i + 4 <= rows {
                    let acc = row_tile::<S, 4, NV>(simd, &f, i);
                    for (r, acc) in acc.iter().enumerate() {
                        store::<S, NV>(f.y, c, i + r, acc);
                    }
                    i += 4;
                }
                while i < rows {
                    let acc = row_tile::<S, 1, NV>(simd, &f, i);
                    store::<S, NV>(f.y, c, i, &acc[0]);
                    i += 1;
                }
            }

            impl WithSimd for FusedRows<'_> {
                type Output = bool;
                #[inline(always)]
                fn with_simd<S: Simd>(self, simd: S) -> bool {
                    match self.c.div_ceil(S::$lanes) {
                        1 => rows_with::<S, 1>(simd, self),
                        2 => rows_with::<S, 2>(simd, self),
                        3 => rows_with::<S, 3>(simd, self),
                        4 => rows_with::<S, 4>(simd, self),
                        _ => return false,
                    }
                    true
                }
            }

            /// Column layout: `acc[l][j] += Σ_i x[l]_i·y[j]_i`.
            pub(super) struct GramColumns<'a> {
                pub x: &'a [&'a [$t]],
                pub y: &'a [&'a [$t]],
                pub acc: &'a mut [[$t; MAX_K]; MAX_K],
            }

            #[inline(always)]
            fn gram_tile<S: Simd, const WL: usize, const WJ: usize>(
                simd: S,
                xs: &[&[S::$v]],
                ys: &[&[S::$v]],
                l0: usize,
                j0: usize,
                acc: &mut [[$t; MAX_K]; MAX_K],
            ) {
                let z = simd.$splat(0.0);
                let mut sum = [[z; WJ]; WL];
                let n = xs.first().map_or(0, |c| c.len());
                // The tile's columns, cut to one length, so that the loop checks no bounds.
                let xt: [&[S::$v]; WL] = core::array::from_fn(|a| &xs[l0 + a][..n]);
                let yt: [&[S::$v]; WJ] = core::array::from_fn(|b| &ys[j0 + b][..n]);
                for t in 0..n {
                    let mut yv = [z; WJ];
                    for (yv, col) in yv.iter_mut().zip(&yt) {
                        *yv = col[t];
                    }
                    for (sum, col) in sum.iter_mut().zip(&xt) {
                        let xv = col[t];
                        for (s, &yv) in sum.iter_mut().zip(&yv) {
                            *s = simd.$fma(xv, yv, *s);
                        }
                    }
                }
                for (a, sum) in sum.iter().enumerate() {
                    for (b, &s) in sum.iter().enumerate() {
                        acc[l0 + a][j0 + b] += simd.$reduce(s);
                    }
                }
            }

            impl WithSimd for GramColumns<'_> {
                type Output = ();
                #[inline(always)]
                fn with_simd<S: Simd>(self, simd: S) {
                    let GramColumns { x, y, acc } = self;
                    let xs: Vec<&[S::$v]> = x.iter().map(|col| S::$as_simd(col).0).collect();
                    let ys: Vec<&[S::$v]> = y.iter().map(|col| S::$as_simd(col).0).collect();
                    let (k, c) = (x.len(), y.len());
                    // Tiles of 4×4 sums with 32 registers, 4×2 with 16.
                    let widest = if core::mem::size_of::<S::$v>() >= 64 {
                        4
                    } else {
                        2
                    };
                    let mut l0 = 0;
                    while l0 < k {
                        let wl = (k - l0).min(4);
                        let mut j0 = 0;
                        while j0 < c {
                            let wj = (c - j0).min(widest);
                            macro_rules! run {
                                ($a:literal, $b:literal) => {
                                    gram_tile::<S, $a, $b>(simd, &xs, &ys, l0, j0, acc)
                                };
                            }
                            match (wl, wj) {
                                (1, 1) => run!(1, 1),
                                (1, 2) => run!(1, 2),
                                (1, 3) => run!(1, 3),
                                (1, _) => run!(1, 4),
                                (2, 1) => run!(2, 1),
                                (2, 2) => run!(2, 2),
                                (2, 3) => run!(2, 3),
                                (2, _) => run!(2, 4),
                                (3, 1) => run!(3, 1),
                                (3, 2) => run!(3, 2),
                                (3, 3) => run!(3, 3),
                                (3, _) => run!(3, 4),
                                (_, 1) => run!(4, 1),
                                (_, 2) => run!(4, 2),
                                (_, 3) => run!(4, 3),
                                _ => run!(4, 4),
                            }
                            j0 += wj;
                        }
                        l0 += wl;
                    }
                    // The rows past the last full vector.
                    let rows = x.first().map_or(0, |c| c.len());
                    for i in xs.first().map_or(0, |c| c.len()) * S::$lanes..rows {
                        for (l, xc) in x.iter().enumerate() {
                            for (j, yc) in y.iter().enumerate() {
                                acc[l][j] += xc[i] * yc[i];
                            }
                        }
                    }
                }
            }

            /// Row layout: `acc[l][..] += Σ_i x_il·y_i` for row-major, contiguous `x` (r×k) and
            /// `y` (r×c).
            pub(super) struct GramRows<'a> {
                pub x: &'a [$t],
                pub k: usize,
                pub y: &'a [$t],
                pub c: usize,
                pub acc: &'a mut [[$t; MAX_K]; MAX_K],
            }

            /// `acc` rows `l0..l0 + G`, `NV` vectors per row.
            #[inline(always)]
            fn gram_rows_tile<S: Simd, const G: usize, const NV: usize>(
                simd: S,
                g: &mut GramRows<'_>,
                l0: usize,
            ) {
                let (k, c, lanes) = (g.k, g.c, S::$lanes);
                let z = simd.$splat(0.0);
                let mut sum = [[z; NV]; G];
                let rows = g.y.len() / c;
                // A row's last vector may run into the next row: its extra lanes land in lanes
                // of `sum` past `c`, which are dropped. Only at the block's end does it go
                // through a zero-padded stack buffer.
                let mut padded = [0.0; 2 * MAX_K];
                for i in 0..rows {
                    let at = i * c;
                    let src: &[$t] = if at + NV * lanes <= g.y.len() {
                        &g.y[at..at + NV * lanes]
                    } else {
                        padded[..c].copy_from_slice(&g.y[at..at + c]);
                        &padded[..NV * lanes]
                    };
                    let mut yv = [z; NV];
                    for (yv, &v) in yv.iter_mut().zip(S::$as_simd(src).0) {
                        *yv = v;
                    }
                    for (a, sum) in sum.iter_mut().enumerate() {
                        let e = simd.$splat(g.x[i * k + l0 + a]);
                        for (s, &yv) in sum.iter_mut().zip(&yv) {
                            *s = simd.$fma(e, yv, *s);
                        }
                    }
                }
                for (a, sum) in sum.iter().enumerate() {
                    let mut flat = [0.0; MAX_K];
                    for (v, &s) in S::$as_mut_simd(&mut flat).0.iter_mut().zip(sum) {
                        *v = s;
                    }
                    for (acc, &f) in g.acc[l0 + a][..c].iter_mut().zip(&flat) {
                        *acc += f;
                    }
                }
            }

            #[inline(always)]
            fn gram_rows_with<S: Simd, const NV: usize>(simd: S, mut g: GramRows<'_>) {
                // As many rows of `acc` at a time as the registers hold (G·NV independent sums
                // each pass over the block, the fewest passes), then the rest.
                let wide_registers = core::mem::size_of::<S::$v>() >= 64;
                let most = if wide_registers { 16 } else { 12 } / NV;
                let mut l0 = 0;
                while l0 < g.k {
                    let left = g.k - l0;
                    let tile = [8, 4, 2, 1]
                        .into_iter()
                        .find(|&t| t <= most.min(left))
                        .unwrap_or(1);
                    match tile {
                        8 => gram_rows_tile::<S, 8, NV>(simd, &mut g, l0),
                        4 => gram_rows_tile::<S, 4, NV>(simd, &mut g, l0),
                        2 => gram_rows_tile::<S, 2, NV>(simd, &mut g, l0),
                        _ => gram_rows_tile::<S, 1, NV>(simd, &mut g, l0),
                    }
                    l0 += tile;
                }
            }

            impl WithSimd for GramRows<'_> {
                type Output = bool;
                #[inline(always)]
                fn with_simd<S: Simd>(self, simd: S) -> bool {
                    match self.c.div_ceil(S::$lanes) {
                        1 => gram_rows_with::<S, 1>(simd, self),
                        2 => gram_rows_with::<S, 2>(simd, self),
                        3 => gram_rows_with::<S, 3>(simd, self),
                        4 => gram_rows_with::<S, 4>(simd, self),
                        _ => return false,
                    }
                    true
                }
            }
        }

        impl SmallKernels for $t {
            fn fused_rows(
                mut out: ArrayViewMut2<'_, $t>,
                x: ArrayView2<'_, $t>,
                b: ArrayView2<'_, $t>,
                own: Option<ArrayView2<'_, $t>>,
            ) -> bool {
                let ((r, c), k) = (out.dim(), x.ncols());
                if k > MAX_K || c > MAX_K || r == 0 || c == 0 {
                    return false;
                }
                let mut w: $m::Tile = [[0.0; MAX_K]; 2 * MAX_K];
                pack(&mut w, 0, b);
                let ky = own.map_or(0, |o| {
                    pack(&mut w, k, o);
                    c
                });
                // Rows: both blocks contiguous and row-major (a block of a standard array).
                if let (Some(xs), true) = (x.to_slice(), out.is_standard_layout()) {
                    let Some(ys) = out.as_slice_mut() else {
                        return false;
                    };
                    return Arch::new().dispatch($m::FusedRows {
                        x: xs,
                        kx: k,
                        y: ys,
                        c,
                        w: &w,
                        ky,
                    });
                }
                let Some(xs) = column_slices(x) else {
                    return false;
                };
                let mut ys: Vec<&mut [$t]> = Vec::with_capacity(c);
                for col in out.axis_iter_mut(Axis(1)) {
                    match col.into_slice() {
                        Some(col) => ys.push(col),
                        None => return false,
                    }
                }
                Arch::new().dispatch($m::FusedColumns {
                    x: &xs,
                    y: &mut ys,
                    w: &w,
                    ky,
                });
                true
            }

            fn gram(
                mut acc: ArrayViewMut2<'_, $t>,
                x: ArrayView2<'_, $t>,
                y: ArrayView2<'_, $t>,
            ) -> bool {
                let (k, c) = (x.ncols(), y.ncols());
                if k > MAX_K || c > MAX_K || k == 0 || c == 0 {
                    return false;
                }
                let mut sum = [[0.0; MAX_K]; MAX_K];
                let done = if let (Some(xs), Some(ys)) = (x.to_slice(), y.to_slice()) {
                    Arch::new().dispatch($m::GramRows {
                        x: xs,
                        k,
                        y: ys,
                        c,
                        acc: &mut sum,
                    })
                } else if let (Some(xs), Some(ys)) = (column_slices(x), column_slices(y)) {
                    Arch::new().dispatch($m::GramColumns {
                        x: &xs,
                        y: &ys,
                        acc: &mut sum,
                    });
                    true
                } else {
                    false
                };
                if done {
                    for ((l, j), a) in acc.indexed_iter_mut() {
                        *a += sum[l][j];
                    }
                }
                done
            }
        }
    };
}

small_kernels!(
    for_f64,
    f64,
    f64s,
    splat_f64s,
    mul_add_e_f64s,
    as_simd_f64s,
    as_mut_simd_f64s,
    reduce_sum_f64s,
    F64_LANES
);
small_kernels!(
    for_f32,
    f32,
    f32s,
    splat_f32s,
    mul_add_e_f32s,
    as_simd_f32s,
    as_mut_simd_f32s,
    reduce_sum_f32s,
    F32_LANES
);

#[cfg(test)]
#[path = "kernels_tests.rs"]
mod tests;
