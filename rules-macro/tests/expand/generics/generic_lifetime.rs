use ndarray::{Array1, ArrayView1, LinalgScalar};
use rules_core::rrule;

/// A generic rule whose pullback keeps a borrow of its input: the named lifetime is captured,
/// and so is `T`.
#[rrule]
pub fn weighted<'a, T>(x: ArrayView1<'a, T>, w: Array1<T>) -> Array1<T>
where
    T: LinalgScalar,
{
    let y = &x * &w;
    (y, move |dy: Array1<T>| -> (Array1<T>, Array1<T>) { (&dy * &w, &dy * &x) })
}
