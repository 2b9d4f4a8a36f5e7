// `Σ svdvals(W) + ‖X W − Y‖²` derived: the `(Need, Skip, Skip)` body asks `matmul` for W's
// cotangent only (`(Skip, Need)`), `sub` for its first operand's, and passes the SVD
// `(Zero, ds, Zero)`.
#[rrule(derive)]
pub fn loss(w: ArrayView2<'_, f64>, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> f64 {
    let (_, s, _) = linalg::svd(w);
    let r = ops::sub(ops::matmul(x, w).view(), y);
    s.sum() + ops::sum_sq(r.view())
}
