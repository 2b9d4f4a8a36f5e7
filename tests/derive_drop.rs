//! What a derived pullback keeps is freed in an order no `Drop` can observe: every callee
//! pullback before any kept value. Freed memory is overwritten here (a poisoning allocator), so
//! a `Drop` that read a value freed before it would see the poison.
#![allow(unsafe_code)] // the poisoning allocator forwards to the system allocator

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::rc::Rc;

use ndarray::{Array1, ArrayView1};
use rules_core::{NoTangent, Pullback, ops, rrule};

/// Fills every block it frees with `0xA5` first.
struct Poison;

// SAFETY: forwards to `System`; the fill writes only the block being freed.
unsafe impl GlobalAlloc for Poison {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is a live block of `layout.size()` bytes until `dealloc` returns.
        unsafe {
            std::ptr::write_bytes(ptr, 0xA5, layout.size());
            System.dealloc(ptr, layout);
        }
    }
}

#[global_allocator]
static ALLOC: Poison = Poison;

type Log<'a> = Rc<RefCell<Vec<ArrayView1<'a, f64>>>>;

/// On drop, sums every view in the log, and records the sum.
struct Guard<'a>(Log<'a>, Rc<RefCell<Vec<f64>>>);

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        let total: f64 = self.0.borrow().iter().map(|v| v.sum()).sum();
        self.1.borrow_mut().push(total);
    }
}

/// A rule whose pullback holds a guard over a log shared with later calls: views added to the
/// log after this pullback was kept are read when it is dropped.
#[rrule]
fn logged<'a>(x: ArrayView1<'a, f64>, log: Log<'a>, sums: Rc<RefCell<Vec<f64>>>) -> f64 {
    log.borrow_mut().push(x);
    let guard = Guard(log, sums);
    (
        x.sum(),
        move |dy: f64| -> (Array1<f64>, NoTangent, NoTangent) {
            let n = guard.0.borrow().len() as f64;
            (x.mapv(|_| dy + 0.0 * n), NoTangent, NoTangent)
        },
    )
}

/// Two kept intermediates, each logged; the first pullback's guard reads both.
#[rrule(derive)]
fn logs_two(x: ArrayView1<f64>, #[no_grad] sums: Rc<RefCell<Vec<f64>>>) -> f64 {
    #[no_grad]
    let log = Rc::new(RefCell::new(Vec::new()));
    let e = ops::exp(x);
    let a = logged(e.view(), log.clone(), sums.clone());
    let t = ops::tanh(x);
    let b = logged(t.view(), log.clone(), sums.clone());
    a + b
}

#[test]
fn kept_pullbacks_are_dropped_before_kept_values() {
    let x = Array1::linspace(0.0, 1.0, 1000);
    let expect = x.mapv(f64::exp).sum() + x.mapv(f64::tanh).sum();
    let sums = Rc::new(RefCell::new(Vec::new()));
    let (v, pb) = logs_two::rrule(x.view(), sums.clone());
    assert!((v - expect).abs() < 1e-9);
    let (dx, _) = pb.pullback(1.0);
    assert_eq!(dx.len(), 1000);
    drop(pb);
    // Each guard read both views whole, after the second value was kept.
    let read = sums.borrow().clone();
    assert_eq!(read.len(), 2);
    for s in read {
        assert!((s - expect).abs() < 1e-9, "a guard read {s}, not {expect}");
    }
}
