use rules_core::rrule;

#[rrule]
fn double(x: f64) -> f64 {
    (2.0 * x, move |dy| -> f64 { 2.0 * dy })
}

fn main() {}
