use rules_core::scalar_rule;

#[scalar_rule(|r| (x / r, y / r))]
fn hypot3(x: f64, y: f64, z: f64) -> f64 {
    (x * x + y * y + z * z).sqrt()
}

fn main() {}
