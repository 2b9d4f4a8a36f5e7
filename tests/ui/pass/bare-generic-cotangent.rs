use rules_core::{Pullback, Zero, rrule};

/// One output whose cotangent is the bare type parameter: the patterns `T`, `Zero` and
/// `MaybeZero<T>` are picked through `rules_core::Scalar`, so `rrule` needs `T: Scalar`.
#[rrule]
fn identity<T: Copy>(x: T) -> T {
    (x, move |dy: T| -> T { dy })
}

fn main() {
    let (y, pb) = identity::rrule(2.0f32);
    assert_eq!(pb.pullback(y), 2.0f32);
    let (_, pb) = identity::rrule(1.0f64);
    assert_eq!(pb.pullback(Zero), Zero);
    assert_eq!(identity('c'), 'c');
}
