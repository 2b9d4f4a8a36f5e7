use rules_core::rrule;

#[rrule(patterns = "all")]
fn double(x: f64) -> f64 {
    (2.0 * x, move |dy: f64| -> f64 { 2.0 * dy })
}

fn main() {}
