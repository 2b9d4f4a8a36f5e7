use std::collections::HashMap;

use ndarray::Array1;
use rules_core::Differentiable;

#[derive(Differentiable)]
pub struct Model {
    pub weights: Array1<f64>,
    pub cache: HashMap<String, f64>,
}

fn main() {}
