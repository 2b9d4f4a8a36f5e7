use rules_core::{rrules, Differentiable};

#[derive(Differentiable)]
struct Scale {
    k: f64,
}

#[rrules]
impl Scale {
    #[rrule]
    #[frule]
    fn apply(&self, x: f64) -> f64 {
        let k = self.k;
        (
            k * x,
            move |dy: f64| -> (ScaleTangent, f64) { (ScaleTangent { k: dy * x }, k * dy) },
            move |dk: f64, dx: f64| -> f64 { dk * x + k * dx },
        )
    }
}

fn main() {}
