// A rule whose pullback keeps another rule's pullback, which borrows `labels`: the outer
// closure does not capture `labels` itself, but the lifetime it carries is captured.
use ndarray::{Array1, ArrayView1};
use rules_core::{rrule, NoTangent, Pullback};

/// Σ of the labelled entries.
#[rrule]
fn pick(x: ArrayView1<'_, f64>, labels: &[usize]) -> f64 {
    let n = x.len();
    let v = labels.iter().map(|&i| x[i]).sum();
    (v, move |dy: f64| -> (Array1<f64>, NoTangent) {
        let mut g = Array1::zeros(n);
        for &i in labels {
            g[i] += dy;
        }
        (g, NoTangent)
    })
}

/// 2 · pick(x, labels), through `pick`'s rule.
#[rrule]
fn twice(x: ArrayView1<'_, f64>, labels: &[usize]) -> f64 {
    let (v, pb) = pick::rrule(x, labels);
    (2.0 * v, move |dy: f64| -> (Array1<f64>, NoTangent) {
        (pb.pullback(2.0 * dy).0, NoTangent)
    })
}

fn main() {
    let labels = vec![0, 2];
    let x = ndarray::array![1.0, 2.0, 3.0];
    let (v, pb) = twice::rrule(x.view(), &labels);
    assert_eq!(v, 8.0);
    let (g, _) = pb.pullback(1.0);
    assert_eq!(g, ndarray::array![2.0, 0.0, 2.0]);
}
