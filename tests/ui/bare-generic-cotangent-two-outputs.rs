use rules_core::rrule;

#[rrule]
fn pair<T: Copy>(x: T) -> (T, T) {
    ((x, x), move |da: T, db: T| -> T { da })
}

fn main() {}
