use rules_core::rrule;

#[rrule]
async fn double(x: f64) -> f64 {
    (2.0 * x, move |dy: f64| -> f64 { 2.0 * dy })
}

fn main() {}
