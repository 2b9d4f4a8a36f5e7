use rules_core::rrule;

#[rrule]
struct Double(f64);

fn main() {}
