use rules_core::rrule;

struct Scale(f64);

impl Scale {
    #[rrule]
    fn apply(&self, x: f64) -> f64 {
        let k = self.0;
        (k * x, move |dy: f64| -> f64 { k * dy })
    }
}

fn main() {}
