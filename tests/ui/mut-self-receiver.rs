use rules_core::{rrules, Differentiable};

#[derive(Differentiable)]
struct Scale {
    k: f64,
}

#[rrules]
impl Scale {
    #[rrule]
    fn apply(&mut self, x: f64) -> f64 {
        self.k += 1.0;
        let k = self.k;
        (k * x, move |dy: f64| -> (ScaleTangent, f64) { (ScaleTangent { k: dy * x }, k * dy) })
    }
}

fn main() {}
