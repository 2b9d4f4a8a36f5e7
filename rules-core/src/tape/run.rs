//! The entry points that own a tape: [`value_and_grad`], [`vjp`] (and its [`Vjp`]), and the
//! kit's plain [`value`].

use core::any::TypeId;
use core::cell::Cell;
use core::marker::PhantomData;
use std::rc::Rc;

use super::{Core, Inputs, Seed, Source, Tape, Var, brand, same_tape};
use crate::Differentiable;

/// The value of `f` at `inputs` and the gradient of that value with respect to each input.
///
/// `f` receives the [`Tape`] and the inputs as [`Var`]s (one bare, several as a tuple of up to
/// 8), and returns a scalar `Var` (`f32` or `f64`). The gradients come back in the inputs'
/// shape, each of its input's tangent type (`Array2` for an `Array2`, `DenseTangent` for a
/// `#[derive(Differentiable)] Dense`), dense: zeros where the value does not depend on an input.
///
/// ```
/// use ndarray::array;
/// use rules_core::ops;
/// use rules_core::tape::value_and_grad;
///
/// // Σ tanh(x)², with a loop and an `if`: define-by-run.
/// let (v, g) = value_and_grad(
///     |t, x| {
///         let mut y = ops::tanh::on(t, &x);
///         for _ in 0..2 {
///             if y.value().sum() > 0.0 {
///                 y = ops::tanh::on(t, &y);
///             }
///         }
///         ops::sum_sq::on(t, &y)
///     },
///     array![0.5, 1.0],
/// );
/// let fd = |h: f64| {
///     let y = array![0.5 + h, 1.0].mapv(|x: f64| x.tanh().tanh().tanh());
///     y.mapv(|y| y * y).sum()
/// };
/// assert!((g[0] - (fd(1e-6) - fd(-1e-6)) / 2e-6).abs() < 1e-6);
/// assert!(v > 0.0);
/// ```
///
/// # Panics
/// If `f` returns a `Var` of another tape, and where the rules it calls panic (shapes).
pub fn value_and_grad<'env, I, Y, F>(f: F, inputs: I) -> (Y, I::Gradients)
where
    I: Inputs,
    Y: Seed,
    F: for<'t> FnOnce(&'t Tape<'t, 'env>, I::Vars<'t>) -> Var<'t, Y>,
{
    let tape = Tape::new();
    let vars = inputs.enter(&tape);
    let out = f(&tape, vars);
    same_tape(&out, &tape.core, "value_and_grad");
    let (value, source, slot) = (*out.value, out.source, out.slot);
    drop(out);
    if let Some(source) = source {
        seed_type::<Y>(slot, "value_and_grad");
        tape.core.backward(source, Y::one());
    }
    let mut leaves = tape.core.take_leaves();
    (value, I::gradients(&mut leaves))
}

/// Checks that the program's value takes cotangents of type `D`, naming `what` otherwise.
fn seed_type<D: 'static>(slot: (TypeId, &'static str), what: &str) {
    assert!(
        slot.0 == TypeId::of::<D>(),
        "{what}: the value's rule takes a cotangent of type `{}`, not `{}`",
        slot.1,
        core::any::type_name::<D>()
    );
}

/// The value of `f` at `inputs`, without a backward pass (the kit's finite differences).
#[doc(hidden)]
pub fn value<'env, I, Y, F>(f: F, inputs: I) -> Y
where
    I: Inputs,
    Y: Clone,
    F: for<'t> FnOnce(&'t Tape<'t, 'env>, I::Vars<'t>) -> Var<'t, Y>,
{
    let tape = Tape::new();
    let vars = inputs.enter(&tape);
    let out = f(&tape, vars);
    same_tape(&out, &tape.core, "value");
    Rc::try_unwrap(out.value).unwrap_or_else(|rc| (*rc).clone())
}

/// The value of `f` at `inputs` and its pullback, for a value that is not a scalar.
///
/// The pullback runs the recorded program once: [`Vjp::pullback`] consumes it, freeing each
/// node as it runs.
///
/// ```
/// use ndarray::{array, Array1};
/// use rules_core::ops;
/// use rules_core::tape::vjp;
///
/// let (y, pb) = vjp(|t, x| ops::exp::on(t, &x), array![0.0, 1.0]);
/// let dx: Array1<f64> = pb.pullback(array![1.0, 2.0]);
/// assert_eq!(dx, &y * &array![1.0, 2.0]);
/// ```
///
/// # Panics
/// If `f` returns a `Var` of another tape.
pub fn vjp<'env, I, Y, F>(f: F, inputs: I) -> (Y, Vjp<'env, I, Y>)
where
    I: Inputs,
    Y: Differentiable + Clone + 'static,
    Y::Tangent: 'static,
    F: for<'t> FnOnce(&'t Tape<'t, 'env>, I::Vars<'t>) -> Var<'t, Y>,
{
    // On the heap: a pullback may hold a `Var`, which points at its tape.
    let core = Box::new(Core::default());
    let tape: &Tape<'_, 'env> = brand(&core);
    let vars = inputs.enter(tape);
    let out = f(tape, vars);
    same_tape(&out, &core, "vjp");
    let source = out.source;
    let slot = out.slot;
    let value = Rc::try_unwrap(out.value).unwrap_or_else(|rc| (*rc).clone());
    (
        value,
        Vjp {
            core: Some(core),
            source,
            slot,
            _p: PhantomData,
        },
    )
}

/// `Vjp`'s brand: invariant in `'env`, and neither owning an `I` nor a `Y`.
type VjpMarker<'env, I, Y> = PhantomData<(Cell<&'env ()>, fn(Y) -> I)>;

/// The pullback of a program, from [`vjp`]. It borrows what the program borrowed (`'env`).
pub struct Vjp<'env, I, Y> {
    /// `None` once the pullback has run.
    core: Option<Box<Core>>,
    source: Option<Source>,
    slot: (TypeId, &'static str),
    _p: VjpMarker<'env, I, Y>,
}

impl<I, Y> core::fmt::Debug for Vjp<'_, I, Y> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let nodes = self.core.as_ref().map_or(0, |c| c.recorded.get());
        f.debug_struct("Vjp").field("nodes", &nodes).finish()
    }
}

/// Dropping a `Vjp` drops the pullbacks, which may read what they borrowed for `'env`: this
/// impl makes the borrow checker require that `'env` is still alive then.
impl<I, Y> Drop for Vjp<'_, I, Y> {
    fn drop(&mut self) {
        drop(self.core.take());
    }
}

impl<I: Inputs, Y: Differentiable> Vjp<'_, I, Y>
where
    Y::Tangent: 'static,
{
    /// The cotangents of the inputs for the cotangent `ct` of the value, dense.
    ///
    /// # Panics
    /// Where the rules' pullbacks panic (a cotangent of the wrong shape).
    pub fn pullback(mut self, ct: Y::Tangent) -> I::Gradients {
        let Some(core) = self.core.take() else {
            unreachable!("Vjp::pullback: the pullback has run already")
        };
        if let Some(source) = self.source {
            seed_type::<Y::Tangent>(self.slot, "Vjp::pullback");
            core.backward(source, ct);
        }
        let mut leaves = core.take_leaves();
        I::gradients(&mut leaves)
    }
}
