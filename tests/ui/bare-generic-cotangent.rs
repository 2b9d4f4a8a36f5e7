use rules_core::rrule;

#[rrule]
fn identity<T: Copy>(x: T) -> T {
    (x, move |dy: T| -> T { dy })
}

fn main() {}
