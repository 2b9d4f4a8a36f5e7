use rules_core::rrule;

#[rrule]
fn spread(x: f64) -> (f64, f64, f64, f64, f64, f64, f64) {
    (
        (x, x, x, x, x, x, x),
        move |a: f64, b: f64, c: f64, d: f64, e: f64, f: f64, g: f64| -> f64 { a + b + c + d + e + f + g },
    )
}

fn main() {}
