use rules_core::rrule;

#[rrule]
fn pair<T: Copy>(x: T) -> (T, f64) {
    ((x, 1.0), move |da: T, _db: f64| -> T { da })
}

fn main() {}
