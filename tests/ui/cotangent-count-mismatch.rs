use rules_core::rrule;

#[rrule]
fn both(x: f64) -> (f64, f64) {
    ((x, 2.0 * x), move |da: f64| -> f64 { da })
}

fn main() {}
