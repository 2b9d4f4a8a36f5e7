use ndarray::{Array, Dimension};
use rules_core::{Pullback, rrule};

/// Doubles any array, failing on empty ones.
#[rrule]
pub fn double<D: Dimension>(x: Array<f32, D>) -> Result<Array<f32, D>, String> {
    if x.is_empty() {
        return Err("empty".to_owned());
    }
    Ok((x * 2.0, move |dy: Array<f32, D>| -> Array<f32, D> { dy * 2.0 }))
}

fn main() {
    let (_, pb) = double::rrule(ndarray::arr2(&[[1.0f32]])).unwrap();
    let _ = pb.pullback(ndarray::arr2(&[[1.0f32]]));
}
