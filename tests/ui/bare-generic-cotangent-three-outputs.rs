use rules_core::rrule;

#[rrule]
fn triple<T: Copy>(x: T) -> (T, T, T) {
    ((x, x, x), move |da: T, db: T, dc: T| -> T { da })
}

fn main() {}
