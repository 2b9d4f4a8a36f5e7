use rules_core::rrule;

/// One output whose cotangent is the bare type parameter `T`: one impl for every
/// `S: ScalarSlot<T>` picks the pattern, and `rrule` requires `T: Scalar`.
#[rrule]
fn identity<T: Copy>(x: T) -> T {
    (x, move |dy: T| -> T { dy })
}
