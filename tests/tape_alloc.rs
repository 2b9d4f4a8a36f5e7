//! What the tape allocates, counted by a per-thread counting allocator: the gradient of Σ U of
//! an SVD through the tape against the same rule chained by hand with `(dU, Zero, Zero)`, run
//! with `pullback` and with `pullback_once`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ndarray::Array2;
use rules_core::linalg;
use rules_core::tape::{Var, value_and_grad};
use rules_core::{Pullback, PullbackOnce, Zero};
use rules_tests::random;

struct Counting;

thread_local! {
    static BYTES: Cell<usize> = const { Cell::new(0) };
    static CALLS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; the thread-local counters do not allocate.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = BYTES.try_with(|b| b.set(b.get() + layout.size()));
        let _ = CALLS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes and calls allocated on this thread while `f` runs.
fn counted<R>(f: impl FnOnce() -> R) -> (usize, usize, R) {
    let (b0, c0) = (BYTES.with(Cell::get), CALLS.with(Cell::get));
    let r = f();
    (BYTES.with(Cell::get) - b0, CALLS.with(Cell::get) - c0, r)
}

#[test]
fn the_tape_allocates_what_the_hand_chained_pattern_does() {
    // One thread, so the rules' work is counted on this one.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    pool.install(|| {
        let a = random(8, 400, 70); // wide: the Vᵀ terms the pattern drops are large
        // Warm up faer's set-up once, outside the counts.
        let _ = linalg::svd(a.view());
        let (hand_bytes, hand_calls, da_hand) = counted(|| {
            let ((u, _s, _vt), pb) = linalg::svd::rrule(a.view());
            let du = Array2::<f64>::ones(u.raw_dim());
            pb.pullback((du, Zero, Zero))
        });
        // The dense pullback fed explicit zeros allocates more: the count can tell them apart.
        let (dense_bytes, _, _) = counted(|| {
            let ((u, s, vt), pb) = linalg::svd::rrule(a.view());
            let du = Array2::<f64>::ones(u.raw_dim());
            let (ds, dvt) = (ndarray::Array1::zeros(s.len()), Array2::zeros(vt.raw_dim()));
            pb.pullback((du, ds, dvt))
        });
        assert!(
            dense_bytes > hand_bytes + 1024,
            "dense {dense_bytes} B, pattern {hand_bytes} B"
        );
        // The last run, with the value's `Vᵀ` dropped: the gradient is written into `Vᵀ`'s
        // buffer, so the output-sized allocation of `U·(C·Vᵀ)` disappears.
        let (once_bytes, _, da_once) = counted(|| {
            let ((u, _s, vt), pb) = linalg::svd::rrule(a.view());
            drop(vt);
            let du = Array2::<f64>::ones(u.raw_dim());
            pb.pullback_once((du, Zero, Zero))
        });
        let out_bytes = a.len() * size_of::<f64>();
        assert!((&da_once - &da_hand).iter().all(|d| d.abs() < 1e-12));
        // It saves the output's size, less the small products it forms in their own buffers.
        assert!(
            once_bytes + out_bytes <= hand_bytes + 1024,
            "pullback_once {once_bytes} B, pullback {hand_bytes} B, output {out_bytes} B"
        );
        // Holding `Vᵀ`, `pullback_once` cannot take it and allocates as `pullback` does.
        let (held_bytes, _, da_held) = counted(|| {
            let ((u, _s, _vt), pb) = linalg::svd::rrule(a.view());
            let du = Array2::<f64>::ones(u.raw_dim());
            pb.pullback_once((du, Zero, Zero))
        });
        assert_eq!(da_held, da_hand);
        assert_eq!(held_bytes, hand_bytes);
        let a2 = a.clone();
        let (tape_bytes, tape_calls, (_, da_tape)) = counted(|| {
            value_and_grad(
                |t, a: Var<'_, Array2<f64>>| {
                    let (u, _s, _vt) = linalg::svd::on(t, &a);
                    u.sum()
                },
                a2,
            )
        });
        assert!((&da_tape - &da_hand).iter().all(|d| d.abs() < 1e-12));
        println!(
            "hand: {hand_bytes} B in {hand_calls} allocations; tape: {tape_bytes} B in {tape_calls}"
        );
        // The tape runs each pullback once, after the program dropped `Vᵀ`'s `Var`: it allocates
        // what `pullback_once` does, plus its bookkeeping (nodes, `Rc`s, vectors): a few
        // hundred bytes, no array.
        assert!(
            tape_bytes <= once_bytes + 2048,
            "tape {tape_bytes} B against {once_bytes} B by hand"
        );
        assert!(
            tape_bytes + 2048 >= once_bytes,
            "tape {tape_bytes} B, hand {once_bytes} B"
        );
    });
}

#[test]
fn qr_forms_q_in_the_buffer_of_its_copy_of_the_input() {
    // Householder path (m < 4n). Q is formed where the reflectors were, so the forward pass
    // allocates the column-major copy of A (which becomes Q), R, and panel-sized buffers; a
    // separate m×k Q would add m·k·8 bytes more.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    pool.install(|| {
        let (m, n) = (300, 200);
        let a = random(m, n, 71);
        let _ = linalg::qr(a.view());
        let (bytes, _, (q, r)) = counted(|| linalg::qr(a.view()));
        assert_eq!((q.dim(), r.dim()), ((m, n), (n, n)));
        let (copy, r_bytes, q_bytes) = (m * n * 8, n * n * 8, m * n * 8);
        eprintln!("qr {m}×{n}: {bytes} bytes (copy {copy}, R {r_bytes})");
        assert!(
            bytes < copy + r_bytes + q_bytes / 2,
            "{bytes} bytes: more than the copy, R and half a separate Q"
        );
    });
}
