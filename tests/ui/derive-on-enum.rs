use rules_core::Differentiable;

#[derive(Differentiable)]
pub enum Shape {
    Circle(f64),
    Square(f64),
}

fn main() {}
