use rules_core::rrule;

#[rrule]
fn product(x: f64, y: f64) -> f64 {
    (x * y, move |dz: f64| -> f64 { dz * y })
}

fn main() {}
