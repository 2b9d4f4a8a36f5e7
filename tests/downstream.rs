//! Rules where downstream code lives: inside function bodies, with the `use`s and helpers local to
//! that body.

use rules_core::testing::{Config, check_rrule};

#[test]
fn a_rule_inside_a_test_function_sees_local_uses_and_helpers() {
    use ndarray::{Array1, array};
    use rules_core::{Pullback, Zero, rrule};

    fn twice(v: f64) -> f64 {
        2.0 * v
    }

    /// `y = 2·sin(x)`, elementwise.
    #[rrule]
    fn double_sin(x: Array1<f64>) -> Array1<f64> {
        let c = x.mapv(f64::cos);
        (
            x.mapv(|v| twice(v.sin())),
            move |dy: Array1<f64>| -> Array1<f64> { (&dy * &c).mapv(twice) },
        )
    }

    let x = array![0.3, -1.2, 2.0];
    let (y, pb) = double_sin::rrule(x.clone());
    assert_eq!(y, double_sin(x.clone()));
    assert_eq!(pb.pullback(Zero), Zero);
    check_rrule(
        |(x,)| double_sin(x.clone()),
        |(x,)| double_sin::rrule(x.clone()),
        &(x,),
        &Config::default(),
    );
}

mod borrowed {
    use ndarray::{Array1, ArrayView1, array};
    use rules_core::testing::{Config, check_rrule};
    use rules_core::{NoTangent, Pullback, rrule};

    /// Gathers `x[idx[i]]`; the pullback keeps the borrowed indices, with no lifetime named.
    #[rrule]
    pub fn gather(x: Array1<f64>, idx: &[usize]) -> Array1<f64> {
        let n = x.len();
        let y = idx.iter().map(|&i| x[i]).collect::<Array1<f64>>();
        (y, move |dy: Array1<f64>| -> (Array1<f64>, NoTangent) {
            let mut dx = Array1::zeros(n);
            for (d, &i) in dy.iter().zip(idx) {
                dx[i] += d;
            }
            (dx, NoTangent)
        })
    }

    /// `Σ w ∘ x` for a borrowed view with an elided lifetime that the pullback keeps.
    #[rrule]
    pub fn weighted_sum(x: ArrayView1<'_, f64>, w: Array1<f64>) -> f64 {
        let total = x.dot(&w);
        (total, move |dt: f64| -> (Array1<f64>, Array1<f64>) {
            (&w * dt, &x * dt)
        })
    }

    #[test]
    fn borrowed_inputs_with_elided_lifetimes_can_be_captured() {
        let x = array![1.0, 2.0, 3.0];
        let idx = vec![2, 0, 2];
        let (y, pb) = gather::rrule(x.clone(), &idx);
        assert_eq!(y, array![3.0, 1.0, 3.0]);
        assert_eq!(
            pb.pullback(array![1.0, 10.0, 100.0]).0,
            array![10.0, 0.0, 101.0]
        );
        // The kit takes the borrowed, non-differentiable input as it is.
        let r = check_rrule(
            |(x, idx)| gather(x.clone(), idx),
            |(x, idx)| gather::rrule(x.clone(), idx),
            &(x.clone(), idx.as_slice()),
            &Config::default(),
        );
        assert_eq!(r.fd_checks, 3);
        let w = array![0.5, -1.0, 2.0];
        let (t, pb) = weighted_sum::rrule(x.view(), w.clone());
        assert_eq!(t, 4.5);
        assert_eq!(pb.pullback(2.0), (&w * 2.0, &x * 2.0));
    }
}

mod generic_scalar {
    use ndarray::{Array1, array};
    use rules_core::testing::{Config, check_rrule};
    use rules_core::{MaybeZero, Pullback, Scalar, Zero, rrule};

    /// Σ x², generic over the float type, with a bare `T` output.
    #[rrule]
    pub fn sum_sq<T: Scalar>(x: Array1<T>) -> T {
        let s = x.iter().fold(T::zero(), |a, &v| a + v * v);
        (s, move |ds: T| -> Array1<T> { x.mapv(|v| (v + v) * ds) })
    }

    #[test]
    fn a_generic_scalar_rule_works_at_f32_and_f64() {
        let x = array![1.0, -2.0, 0.5];
        check_rrule(
            |(x,)| sum_sq(x.clone()),
            |(x,)| sum_sq::rrule(x.clone()),
            &(x.clone(),),
            &Config::default(),
        );
        let x32 = x.mapv(|v| v as f32);
        check_rrule(
            |(x,)| sum_sq(x.clone()),
            |(x,)| sum_sq::rrule(x.clone()),
            &(x32.clone(),),
            &Config::default(),
        );
        let (s, pb) = sum_sq::rrule(x32);
        assert_eq!(s, 5.25f32);
        assert_eq!(pb.pullback(Zero), Zero);
        assert_eq!(pb.pullback(MaybeZero::<f32>::Zero), MaybeZero::Zero);
        assert_eq!(
            pb.pullback(MaybeZero::Value(1.0f32)),
            MaybeZero::Value(array![2.0f32, -4.0, 1.0])
        );
    }

    /// `(Σ x, Σ x²)`: two bare `T` outputs, each of which may be `Zero`.
    #[rrule]
    pub fn sums<T: Scalar>(x: Array1<T>) -> (T, T) {
        let s1 = x.iter().fold(T::zero(), |a, &v| a + v);
        let s2 = x.iter().fold(T::zero(), |a, &v| a + v * v);
        ((s1, s2), move |d1: T, d2: T| -> Array1<T> {
            let from_sum = Array1::from_elem(x.len(), d1);
            let from_squares = x.mapv(|v| (v + v) * d2);
            from_sum + from_squares
        })
    }

    #[test]
    fn two_bare_generic_outputs_dispatch_on_each_slot() {
        let x = array![1.0f32, -2.0, 0.5];
        check_rrule(
            |(x,)| sums(x.clone()),
            |(x,)| sums::rrule(x.clone()),
            &(x.clone(),),
            &Config::default(),
        );
        let (_, pb) = sums::rrule(x);
        // Each pattern equals the dense pullback fed explicit zeros.
        assert_eq!(pb.pullback((Zero, 1.0f32)), array![2.0f32, -4.0, 1.0]);
        assert_eq!(pb.pullback((2.0f32, Zero)), array![2.0f32, 2.0, 2.0]);
        assert_eq!(pb.pullback((Zero, Zero)), Zero);
        assert_eq!(
            pb.pullback((MaybeZero::Value(1.0f32), MaybeZero::Zero)),
            MaybeZero::Value(array![1.0f32, 1.0, 1.0])
        );
        assert_eq!(
            pb.pullback((MaybeZero::<f32>::Zero, MaybeZero::Zero)),
            MaybeZero::Zero
        );
    }
}

mod nameable {
    use ndarray::{Array1, array};
    use rules_core::testing::{Config, check_rrule};
    use rules_core::{Pullback, Zero, rrule};

    /// `y = k·x`.
    #[rrule]
    pub fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
        let y = &x * k;
        (y, move |dy: Array1<f64>| -> (Array1<f64>, f64) {
            (&dy * k, dy.dot(&x))
        })
    }

    /// A wrapper that forwards to the rule names its pullback with the generated trait.
    pub fn doubled(x: Array1<f64>) -> (Array1<f64>, impl ScalePullback) {
        scale::rrule(x, 2.0)
    }

    #[test]
    fn a_wrapper_returns_the_named_pullback_with_every_pattern() {
        let (y, pb) = doubled(array![1.0, 2.0]);
        assert_eq!(y, array![2.0, 4.0]);
        assert_eq!(pb.pullback(array![1.0, 1.0]), (array![2.0, 2.0], 3.0));
        assert_eq!(pb.pullback(Zero), (Zero, Zero));
        check_rrule(
            |(x, k)| scale(x.clone(), *k),
            |(x, _)| doubled(x.clone()),
            &(array![0.5, -1.0], 2.0),
            &Config::default(),
        );
    }
}

mod structs {
    use ndarray::{Array1, Array2, array};
    use rules_core::testing::{Config, check_rrule, test_rrule};
    use rules_core::{
        Differentiable, MaybeZero, NoTangent, Pullback, Zero, accumulate, rrule, rrules,
    };

    /// A dense layer's parameters; `name` is not differentiated.
    #[derive(Clone, Debug, Differentiable)]
    pub struct Dense {
        pub w: Array2<f64>,
        pub b: Array1<f64>,
        #[no_tangent]
        pub name: String,
    }

    /// `x·W + b`, taking the layer by value.
    #[rrule]
    pub fn dense(layer: Dense, x: Array2<f64>) -> Array2<f64> {
        let y = x.dot(&layer.w) + &layer.b;
        (y, move |dy: Array2<f64>| -> (DenseTangent, Array2<f64>) {
            let dw = x.t().dot(&dy);
            let db = dy.sum_axis(ndarray::Axis(0));
            let dx = dy.dot(&layer.w.t());
            (DenseTangent { w: dw, b: db }, dx)
        })
    }

    /// `Σ (x·W + b)²` per row, taking the layer by reference (the pullback keeps what it needs).
    #[rrule]
    pub fn dense_sq(layer: &Dense, x: Array2<f64>) -> Array1<f64> {
        let y = x.dot(&layer.w) + &layer.b;
        let w = layer.w.clone();
        let out = y.mapv(|v| v * v).sum_axis(ndarray::Axis(1));
        (
            out,
            move |dout: Array1<f64>| -> (DenseTangent, Array2<f64>) {
                let g = &y * 2.0 * &dout.view().insert_axis(ndarray::Axis(1));
                let dw = x.t().dot(&g);
                let db = g.sum_axis(ndarray::Axis(0));
                let dx = g.dot(&w.t());
                (DenseTangent { w: dw, b: db }, dx)
            },
        )
    }

    #[rrules]
    impl Dense {
        /// The same rule as [`dense`], as a method: `self`'s cotangent comes first. The pullback
        /// keeps a copy of `W`, not `self`, so it does not borrow the layer.
        #[rrule]
        pub fn forward(&self, x: Array2<f64>) -> Array2<f64> {
            let y = x.dot(&self.w) + &self.b;
            let w = self.w.clone();
            (y, move |dy: Array2<f64>| -> (DenseTangent, Array2<f64>) {
                let dw = x.t().dot(&dy);
                let db = dy.sum_axis(ndarray::Axis(0));
                let dx = dy.dot(&w.t());
                (DenseTangent { w: dw, b: db }, dx)
            })
        }

        /// The same again, with a pullback that borrows `self` (the receiver's lifetime is then
        /// captured, without being named).
        #[rrule]
        pub fn forward_borrowing(&self, x: Array2<f64>) -> Array2<f64> {
            let y = x.dot(&self.w) + &self.b;
            (y, move |dy: Array2<f64>| -> (DenseTangent, Array2<f64>) {
                let dw = x.t().dot(&dy);
                let db = dy.sum_axis(ndarray::Axis(0));
                let dx = dy.dot(&self.w.t());
                (DenseTangent { w: dw, b: db }, dx)
            })
        }

        /// An ordinary method next to the rule is left alone.
        pub fn width(&self) -> usize {
            self.b.len()
        }
    }

    /// A wrapper that forwards to the method rule names its pullback with the generated trait.
    pub fn forward_borrowed(
        layer: &Dense,
        x: Array2<f64>,
    ) -> (Array2<f64>, impl DenseForwardBorrowingPullback + '_) {
        layer.forward_borrowing_rrule(x)
    }

    /// A generic struct: its tangent is generic too.
    #[derive(Differentiable)]
    pub struct Affine<T: rules_core::Scalar> {
        pub a: Array1<T>,
        pub shift: T,
        #[no_tangent]
        pub id: usize,
    }

    #[rrules]
    impl<T: rules_core::Scalar> Affine<T> {
        /// `a·x + shift`, generic over the float type.
        #[rrule]
        pub fn apply(&self, x: Array1<T>) -> Array1<T> {
            let y = &x * &self.a + self.shift;
            (y, move |dy: Array1<T>| -> (AffineTangent<T>, Array1<T>) {
                let da = &dy * &x;
                let dshift = dy.sum();
                let dx = &dy * &self.a;
                (
                    AffineTangent {
                        a: da,
                        shift: dshift,
                    },
                    dx,
                )
            })
        }
    }

    fn layer() -> Dense {
        Dense {
            w: array![[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]],
            b: array![0.1, 0.2, -0.3],
            name: "fc".to_owned(),
        }
    }

    #[test]
    fn a_derived_struct_by_value_and_by_reference_passes_the_kit() {
        let x = array![[1.0, 2.0], [-0.5, 0.75]];
        let r = check_rrule(
            |(l, x)| dense(l.clone(), x.clone()),
            |(l, x)| dense::rrule(l.clone(), x.clone()),
            &(layer(), x.clone()),
            &Config::default(),
        );
        assert!(r.fd_checks > 0);
        check_rrule(
            |(l, x)| dense_sq(l, x.clone()),
            |(l, x)| dense_sq::rrule(l, x.clone()),
            &(layer(), x),
            &Config::default(),
        );
    }

    #[test]
    fn a_method_rule_matches_the_free_function_rule() {
        let (l, x) = (layer(), array![[1.0, 2.0], [-0.5, 0.75]]);
        let (y_m, pb_m) = l.forward_rrule(x.clone());
        let (y_f, pb_f) = dense::rrule(l.clone(), x.clone());
        assert_eq!(y_m, y_f);
        assert_eq!(l.forward(x.clone()), y_f);
        let dy = array![[1.0, -2.0, 0.5], [0.25, 1.0, -1.0]];
        assert_eq!(pb_m.pullback(dy.clone()), pb_f.pullback(dy.clone()));
        assert_eq!(pb_m.pullback(Zero), (Zero, Zero));
        assert_eq!(l.width(), 3);
        let (_, pb) = forward_borrowed(&l, x.clone());
        assert_eq!(pb.pullback(dy.clone()), pb_f.pullback(dy));
        drop((pb, pb_m));
        check_rrule(
            |(l, x)| l.forward(x.clone()),
            |(l, x)| l.forward_rrule(x.clone()),
            &(l, x),
            &Config::default(),
        );
    }

    #[test]
    fn a_wrong_struct_cotangent_is_caught() {
        #[rrule]
        fn wrong(layer: Dense, x: Array2<f64>) -> Array2<f64> {
            let y = x.dot(&layer.w) + &layer.b;
            (y, move |dy: Array2<f64>| -> (DenseTangent, Array2<f64>) {
                let dw = x.t().dot(&dy);
                // Planted: the bias gradient is missing a factor.
                let db = dy.sum_axis(ndarray::Axis(0)) * 0.5;
                let dx = dy.dot(&layer.w.t());
                (DenseTangent { w: dw, b: db }, dx)
            })
        }
        let err = test_rrule(
            |(l, x)| wrong(l.clone(), x.clone()),
            |(l, x)| wrong::rrule(l.clone(), x.clone()),
            &(layer(), array![[1.0, 2.0]]),
            &Config::default(),
        )
        .unwrap_err();
        assert!(err.contains("input `layer`"), "{err}");
    }

    #[test]
    fn the_tangent_has_the_arithmetic_of_a_cotangent() {
        let l = layer();
        let z = l.zero_tangent();
        assert_eq!(z.w, Array2::zeros((2, 3)));
        let t = DenseTangent {
            w: Array2::ones((2, 3)),
            b: array![1.0, 2.0, 3.0],
        };
        assert_eq!(z.clone() + t.clone(), t);
        assert_eq!(t.clone() - t.clone(), z);
        assert_eq!(-(z.clone()), z);
        assert_eq!(t.clone() + Zero, t);
        assert_eq!(Zero + t.clone(), t);
        let mut acc = t.clone();
        acc += t.clone();
        acc += Zero;
        assert_eq!(acc.b, array![2.0, 4.0, 6.0]);
        assert_eq!(accumulate(Zero, t.clone()), t);
        assert_eq!(accumulate(t.clone(), Zero), t);
        let m: MaybeZero<DenseTangent> = t.clone().into();
        assert_eq!(m + MaybeZero::Zero, MaybeZero::Value(t));
        assert!(format!("{z:?}").starts_with("DenseTangent"));
        let g = Affine {
            a: array![1.0f32, 2.0],
            shift: 3.0f32,
            id: 7,
        };
        let gt: AffineTangent<f32> = g.zero_tangent();
        assert_eq!((gt.a, gt.shift), (array![0.0f32, 0.0], 0.0));
        let (y, pb) = g.apply_rrule(array![1.0f32, -1.0]);
        assert_eq!(y, array![4.0f32, 1.0]);
        let (dg, dx) = pb.pullback(array![1.0f32, 1.0]);
        assert_eq!(
            (dg.a, dg.shift, dx),
            (array![1.0f32, -1.0], 2.0, array![1.0f32, 2.0])
        );
        // A pullback whose cotangent is a struct tangent: the Zero pattern still runs nothing.
        let (_, pb) = dense::rrule(l, array![[1.0, 2.0]]);
        let (dl, dx): (Zero, Zero) = pb.pullback(Zero);
        assert_eq!((dl, dx), (Zero, Zero));
        let _ = NoTangent;
    }
}

mod outputs {
    use ndarray::{Array1, array};
    use rules_core::testing::{Config, check_rrule};
    use rules_core::{NoTangent, rrule};

    /// The largest entry and where it is: the index is an output that is not differentiated.
    #[rrule]
    pub fn max_at(x: Array1<f64>) -> (usize, f64) {
        let (i, m) = x
            .iter()
            .enumerate()
            .fold((0, f64::NEG_INFINITY), |(bi, bm), (i, &v)| {
                if v > bm { (i, v) } else { (bi, bm) }
            });
        let n = x.len();
        ((i, m), move |_di: NoTangent, dm: f64| -> Array1<f64> {
            let mut dx = Array1::zeros(n);
            dx[i] += dm;
            dx
        })
    }

    #[test]
    fn an_output_that_is_not_differentiated_goes_through_the_kit() {
        let r = check_rrule(
            |(x,)| max_at(x.clone()),
            |(x,)| max_at::rrule(x.clone()),
            &(array![0.5, 3.0, -1.0],),
            &Config::default(),
        );
        assert_eq!(r.patterns, 4);
    }
}

mod derive_shapes {
    use ndarray::{Array1, ArrayView1, array};
    use rules_core::{Differentiable, Pullback, Scalar, Zero, rrules};

    /// A tuple struct with a field left out before a differentiated one.
    #[derive(Clone, Differentiable)]
    pub struct Named(#[no_tangent] pub String, pub Array1<f64>);

    /// A lifetime only a field left out uses.
    #[derive(Differentiable)]
    pub struct Batch<'a> {
        pub x: Array1<f64>,
        #[no_tangent]
        pub labels: &'a [usize],
    }

    /// A generic impl with a method generic over a lifetime.
    pub struct Weights<T: Scalar> {
        pub w: Array1<T>,
    }

    #[rrules]
    impl<T: Scalar> Weights<T> {
        /// `Σ w ∘ x` for a borrowed `x`.
        #[rrule]
        pub fn weigh<'a>(&self, x: ArrayView1<'a, T>) -> T {
            let w = self.w.clone();
            let total = x.dot(&w);
            (total, move |dt: T| -> (Array1<T>, Array1<T>) {
                (x.mapv(|v| v * dt), w.mapv(|v| v * dt))
            })
        }
    }

    #[test]
    fn tuple_structs_lifetimes_and_generic_methods_derive_and_expand() {
        let n = Named("a".to_owned(), array![1.0, 2.0]);
        let t: NamedTangent = n.zero_tangent();
        assert_eq!(t.0, array![0.0, 0.0]);
        let labels = [1usize, 2];
        let b = Batch {
            x: array![3.0],
            labels: &labels,
        };
        let bt: BatchTangent<'_> = b.zero_tangent();
        assert_eq!(bt.x, array![0.0]);
        assert_eq!(Zero - t.clone(), -t);
        let ws = Weights {
            w: array![2.0f64, -1.0],
        };
        let x = array![1.0f64, 3.0];
        let (total, pb) = ws.weigh_rrule(x.view());
        assert_eq!(total, -1.0);
        let (dw, dx) = pb.pullback(2.0);
        assert_eq!((dw, dx), (array![2.0, 6.0], array![4.0, -2.0]));
        assert_eq!(pb.pullback(Zero), (Zero, Zero));
    }
}
