use ndarray::Array1;
use rules_core::rrule;

/// A fallible forward: `?` works, and `rrule` returns `Result<(value, pullback), E>`.
#[rrule]
pub fn normalised(x: Array1<f64>) -> Result<Array1<f64>, String> {
    let norm = checked_norm(&x)?;
    let y = &x / norm;
    Ok((y.clone(), move |dy: Array1<f64>| -> Array1<f64> {
        let radial = y.dot(&dy);
        (&dy - &(&y * radial)) / norm
    }))
}
