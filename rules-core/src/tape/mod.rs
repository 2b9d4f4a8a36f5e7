//! A reverse-mode engine that runs any rule: define-by-run, exact, and keeping every zero
//! pattern and every skipped input the macro generates.
//!
//! [`value_and_grad`] runs a closure on a fresh [`Tape`]. Inside it, the program's inputs are
//! [`Var`]s, and every rule is called through the `on` entry point that `#[rrule]` generates next
//! to `rrule` (`ops::matmul::on(t, &x, &w)`, `linalg::svdvals::on(t, &w)`, `Dense::forward_on(t,
//! &layer, &x)` for a `#[rrules]` method). Each call runs the rule's forward pass, records its
//! pullback, and returns `Var`s (a tuple of them for several outputs). Rust's own `if`, `for`,
//! `while` and helper functions are the control flow: only what runs is recorded.
//!
//! ```
//! use ndarray::{array, Array1, Array2};
//! use rules_core::ops;
//! use rules_core::tape::{value_and_grad, Tape, Var};
//!
//! let x = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]; // data: a constant
//! let target = array![[0.5], [0.0], [-0.5]];
//! let (w0, b0) = (Array2::from_elem((2, 1), 0.1), Array1::zeros(1));
//!
//! let (loss, (dw, db)) = value_and_grad(
//!     |t: &Tape, (w, b): (Var<'_, Array2<f64>>, Var<'_, Array1<f64>>)| {
//!         let h = ops::matmul::on(t, &x, &w);
//!         let y = ops::tanh::on(t, &ops::add::on(t, &h, &b));
//!         let fit = ops::mse::on(t, &y, &target);
//!         &fit + &(ops::sum_sq::on(t, &w) * 0.01) // `+` and `*` record rules too
//!     },
//!     (w0, b0),
//! );
//! assert!(loss > 0.0);
//! assert_eq!((dw.dim(), db.dim()), ((2, 1), 1));
//! ```
//!
//! # What the backward pass exploits
//!
//! * Each node receives its outputs' cotangents as [`MaybeZero`]: an output
//!   nobody read stays `Zero`, so the rule's runtime pattern runs the body specialised for it
//!   (`svd`'s `(Zero, s̄, Zero)` body when only the singular values were used).
//! * A node whose cotangents are all zero is dropped without running.
//! * A node is asked only for the cotangents of its `Var` arguments: constants (data, labels,
//!   targets) are skipped through the rule's runtime `pullback_for([bool; N], ..)`, so the
//!   statements that only feed them never run. (A rule with more inputs than `pullback_for`'s
//!   limit, and a `#[scalar_rule]`'s `map_on`, compute every cotangent and the tape drops those
//!   of constants.)
//! * Cotangents are accumulated in place with [`Accumulate`](crate::Accumulate), and never
//!   materialised as zeros: an input's gradient is built as a dense zero only at the end, and only
//!   if nothing reached it.
//! * Each pullback runs once, through [`PullbackForOnce`](crate::PullbackForOnce) (or
//!   [`PullbackOnce`](crate::PullbackOnce)), which consumes it: a rule that marks a residual
//!   [`reclaim!`](crate::reclaim) may write its result into that residual's buffer (the SVD
//!   writes the gradient of a wide input into `Vᵀ`'s once no `Var` holds `Vᵀ` any more).
//! * Each pullback, with its residuals, is freed as soon as it has run; a value the tape lent for
//!   the call only is freed when its last `Var` is dropped, as in PyTorch. A value lent to a
//!   pullback that may keep it (an operand of `ops::mul` or `matmul`) stays until the tape is
//!   dropped.
//!
//! # What it does not do
//!
//! * **Rules without `on`**: a rule with an `impl Trait` parameter, a `&mut self` receiver, no
//!   inputs, or several outputs whose value type is not written as a tuple gets no `on` (calling
//!   it is "no function `on`"); wrap it in a rule of your own.
//! * **Second order**: pullbacks are not recorded while they run, and a `Var` of one tape cannot
//!   be used on another (a compile error).
//! * **In-place operations**: a `Var`'s value is immutable; there is no `+=` on `Var`s.
//! * **Checkpointing**: every residual a rule keeps lives until its pullback has run.
//! * **Threads**: a tape and its `Var`s are `!Send`; the rules themselves use every core.
//!
//! # Constants, helpers and lifetimes
//!
//! The closure receives `&'t Tape<'t, 'env>`; it is generic over `'t`, the tape's brand, as a
//! `std::thread::scope` closure is over its scope. A [`Var<'t, _>`](Var) cannot leave it, and
//! a `Var` of one tape cannot be used on another (nested tapes do not mix: a compile error).
//! A helper function that records is generic over the brand:
//!
//! ```
//! use ndarray::{array, Array1};
//! use rules_core::ops;
//! use rules_core::tape::{value_and_grad, Tape, Var};
//!
//! fn layer<'t>(t: &'t Tape<'t, '_>, x: &Var<'t, Array1<f64>>) -> Var<'t, Array1<f64>> {
//!     let shift = array![1.0, -1.0]; // a local: `ops::add`'s pullback keeps no operand
//!     ops::tanh::on(t, &ops::add::on(t, x, &shift))
//! }
//!
//! let (_, g) = value_and_grad(|t, x| layer(t, &layer(t, &x)).sum(), array![0.1, 0.2]);
//! assert_eq!(g.len(), 2);
//! ```
//!
//! A constant whose rule's pullback keeps it (`ops::mul` keeps each operand for the other's
//! cotangent) is read again by the backward pass, after the closure has returned: it must be
//! borrowed from outside the closure, or passed by value (an owned `Array` moves onto the
//! tape). Borrowing a local is a compile error (`c` does not live long enough ... borrowed for
//! `'1`), never a dangling view. Which arguments are kept follows from the rule's signature:
//! the pullback keeps an argument only if its type names a lifetime, or the pullback captures
//! it; rustc checks the pullback's type against that choice.
//!
//! # Memory safety
//!
//! A rule's pullback may borrow its inputs (`ops` pullbacks keep views, not copies). The tape
//! keeps each `Var`'s value in an `Rc` and lends the rule a view of it for the brand `'t`; a
//! value lent that way is kept alive until the tape itself is dropped, after every node,
//! because anything typed with `'t` may hold the view until then. A value lent for the call
//! only ([`ArgRef`]) is not kept: it is freed when its last `Var` goes. A lent value is sealed
//! in a [`Lent`], which only the tape opens. A [`Vjp`] borrows what the program borrowed: it
//! cannot be used, or dropped, after that data.

mod arg;
mod run;
mod slots;
mod sugar;

use core::any::{Any, TypeId};
use core::cell::{Cell, RefCell};
use core::marker::PhantomData;
use std::rc::Rc;

use crate::{Differentiable, MaybeZero};

pub use arg::{Arg, ArgRef, Lend, Lent, Lents, Value};
pub use run::{Vjp, value, value_and_grad, vjp};
pub use slots::{Cotangents, Input, Inputs, Route, Routes, Seed};

/// Where a `Var`'s cotangent goes: an input of the program, or output `slot` of a node.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The `i`-th input of `value_and_grad`.
    Leaf(u32),
    /// Output `slot` of node `node`.
    Node {
        /// The node's index on its tape.
        node: u32,
        /// Which of its outputs.
        slot: u32,
    },
}

/// The recorded program: the nodes, in the order they ran, and the inputs' accumulators.
///
/// It is reached only through a [`Tape`], and from a [`Var`] for the operators.
#[doc(hidden)]
#[derive(Default)]
pub struct Core {
    nodes: RefCell<Vec<Option<Box<dyn Node>>>>,
    leaves: RefCell<Vec<Box<dyn LeafDyn>>>,
    /// Nodes recorded, for the docs' claims and tests: `Tape::len`.
    recorded: Cell<usize>,
    /// The values lent for the brand `'t` (see [`Arg`]): kept until the tape is dropped, after
    /// every node, since anything typed with `'t` (a pullback, a cell the program leaked) may
    /// hold a borrow of them until then.
    kept: RefCell<Vec<Rc<dyn Any>>>,
}

impl Core {
    /// Keeps `keep`'s values alive until the tape is dropped.
    fn keep(&self, keep: impl IntoIterator<Item = Option<Rc<dyn Any>>>) {
        self.kept.borrow_mut().extend(keep.into_iter().flatten());
    }
}

/// Drops the nodes outside the `RefCell`, until none is left: a pullback's `Drop` may record on
/// the tape (it may hold `&Tape`), which pushes a node while the others are being dropped. The
/// lent values go last, after everything that may borrow them.
impl Drop for Core {
    fn drop(&mut self) {
        loop {
            let nodes = self.nodes.take();
            if nodes.is_empty() {
                break;
            }
            drop(nodes);
        }
    }
}

/// The tape a program runs on, handed to the closure of [`value_and_grad`] or [`vjp`] as
/// `&'t Tape<'t, 'env>`.
///
/// It is used only through the `on` entry points of rules (and the operators on [`Var`]s).
/// `'t` is the tape's brand: the closure is generic over it, so a [`Var<'t, _>`](Var) cannot
/// leave the closure, and data borrowed for `'t` (a constant a pullback keeps) outlives the
/// closure. `'env` is the lifetime of the data the closure borrows from outside (constants,
/// labels), known to outlive `'t`. Both are invariant, as in `std::thread::scope`. A helper
/// function that records on the tape is written
/// `fn net<'t>(t: &'t Tape<'t, '_>, x: &Var<'t, Array2<f64>>) -> Var<'t, f64>`.
#[repr(transparent)]
pub struct Tape<'t, 'env: 't> {
    core: Core,
    _brand: Brand<'t>,
    _env: Brand<'env>,
}

/// An invariant lifetime.
type Brand<'t> = PhantomData<Cell<&'t ()>>;

impl core::fmt::Debug for Tape<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Tape").field("nodes", &self.len()).finish()
    }
}

/// A value on a [`Tape`]: an input of the program or an output of a rule recorded on it.
///
/// `Var<'t, T>` is branded with the closure that owns the tape: it cannot be stored outside it,
/// returned from [`value_and_grad`], or used on another tape. Its value is shared (an `Rc`), so
/// passing `&v` to several rules costs nothing.
pub struct Var<'t, T> {
    value: Rc<T>,
    /// `None` for a constant: the output of a rule none of whose arguments was a `Var`.
    source: Option<Source>,
    /// The type of the cotangent the source accumulates, checked when the `Var` is lent.
    slot: (TypeId, &'static str),
    tape: &'t Core,
    _brand: Brand<'t>,
}

impl<T> Var<'_, T> {
    /// The value.
    #[must_use]
    pub fn value(&self) -> &T {
        &self.value
    }

    /// `true` if the value depends on an input of the program (it was not computed from
    /// constants alone).
    #[must_use]
    pub fn is_tracked(&self) -> bool {
        self.source.is_some()
    }
}

impl<T: core::fmt::Debug> core::fmt::Debug for Var<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Var")
            .field("value", &self.value)
            .field("tracked", &self.source.is_some())
            .finish()
    }
}

impl<T> Clone for Var<'_, T> {
    fn clone(&self) -> Self {
        Var {
            value: Rc::clone(&self.value),
            source: self.source,
            slot: self.slot,
            tape: self.tape,
            _brand: PhantomData,
        }
    }
}

/// A recorded rule: its pullback, the cotangents its outputs have received, where its inputs'
/// cotangents go, and the values it borrowed.
trait Node {
    /// Adds a cotangent (an `Option<D>` behind `dyn Any`, taken) into output `slot`.
    fn receive(&mut self, slot: usize, ct: &mut dyn Any);
    /// Runs the pullback, unless every cotangent is zero, and sends the input cotangents on.
    fn backward(self: Box<Self>, sink: &mut Sink<'_>);
}

/// An input's accumulator.
trait LeafDyn {
    fn receive(&mut self, ct: &mut dyn Any);
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

/// What a node sends its input cotangents into: the nodes before it, and the inputs.
#[doc(hidden)]
pub struct Sink<'a> {
    nodes: &'a mut [Option<Box<dyn Node>>],
    leaves: &'a mut [Box<dyn LeafDyn>],
}

impl Sink<'_> {
    /// Accumulates `ct` into `to`.
    fn send<D: 'static>(&mut self, to: Source, ct: D) {
        let mut ct = Some(ct);
        match to {
            Source::Leaf(i) => self.leaves[i as usize].receive(&mut ct),
            Source::Node { node, slot } => match self.nodes.get_mut(node as usize) {
                Some(Some(n)) => n.receive(slot as usize, &mut ct),
                _ => unreachable!("tape: a cotangent sent to node {node}, which has run already"),
            },
        }
    }
}

/// Takes the `Option<D>` behind `ct`. The types were checked when the `Var` was lent.
fn take<D: 'static>(ct: &mut dyn Any) -> D {
    match ct.downcast_mut::<Option<D>>().and_then(Option::take) {
        Some(d) => d,
        None => unreachable!(
            "tape: a cotangent of another type than `{}` reached its slot",
            core::any::type_name::<D>()
        ),
    }
}

/// `acc + ct`, in `acc`'s buffer.
fn add_into<D: crate::Accumulate<D, Output = D>>(acc: &mut MaybeZero<D>, ct: D) {
    *acc = match core::mem::take(acc) {
        MaybeZero::Zero => MaybeZero::Value(ct),
        MaybeZero::Value(a) => MaybeZero::Value(a.accumulate(ct)),
    };
}

struct Leaf<V: Differentiable> {
    value: Rc<V>,
    grad: MaybeZero<V::Tangent>,
}

impl<V: Input> LeafDyn for Leaf<V>
where
    V::Tangent: crate::Accumulate<V::Tangent, Output = V::Tangent> + 'static,
{
    fn receive(&mut self, ct: &mut dyn Any) {
        let ct = take::<V::Tangent>(ct);
        add_into(&mut self.grad, ct);
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

impl<V: Input> Leaf<V> {
    /// The gradient, dense: a zero of the input's shape if nothing reached it.
    fn gradient(self) -> V::Tangent {
        match self.grad {
            MaybeZero::Value(g) => g,
            MaybeZero::Zero => self.value.zero_tangent(),
        }
    }
}

struct NodeImpl<'t, PB, R, C, const N: usize> {
    pb: PB,
    run: R,
    cts: C,
    sources: [Option<Source>; N],
    _t: PhantomData<&'t ()>,
}

impl<'t, PB, R, C, O, const N: usize> Node for NodeImpl<'t, PB, R, C, N>
where
    C: Cotangents<'t>,
    R: FnOnce(PB, [bool; N], C) -> O,
    O: Routes<'t, N>,
{
    fn receive(&mut self, slot: usize, ct: &mut dyn Any) {
        self.cts.receive(slot, ct);
    }

    fn backward(self: Box<Self>, sink: &mut Sink<'_>) {
        let NodeImpl {
            pb,
            run,
            cts,
            sources,
            _t,
        } = *self;
        if cts.all_zero() {
            return;
        }
        let need = sources.map(|s| s.is_some());
        // The last run: the pullback is consumed, and may hand its buffers to the result.
        let out = run(pb, need, cts);
        out.route(&sources, sink);
    }
}

impl<'t, 'env> Tape<'t, 'env> {
    fn new() -> Self {
        Tape {
            core: Core::default(),
            _brand: PhantomData,
            _env: PhantomData,
        }
    }

    /// How many rule calls have been recorded so far (calls with no `Var` argument record
    /// nothing).
    #[must_use]
    pub fn len(&self) -> usize {
        self.core.recorded.get()
    }

    /// `true` if nothing has been recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs a rule's primal function on arguments none of which is a `Var`. Called by generated
    /// code.
    #[doc(hidden)]
    pub fn primal<L, Y, F>(&'t self, lents: L, f: F) -> Y
    where
        L: Lents<'t>,
        Y: 'static,
        F: FnOnce(L::Values) -> Y,
    {
        let (values, keep) = lents.split();
        self.core.keep(keep);
        f(values)
    }

    /// Runs a rule (`f` calls its `rrule`) and records its pullback. `run` consumes the pullback
    /// with the selection (which inputs are `Var`s) and the runtime cotangents; `sources` says
    /// where each input's cotangent goes. The tape keeps the values the arguments lent until
    /// it is dropped. Returns the node's index and the rule's value. Called by
    /// generated code.
    #[doc(hidden)]
    pub fn record<L, Y, E, PB, C, R, O, const N: usize>(
        &'t self,
        lents: L,
        sources: [Option<Source>; N],
        f: impl FnOnce(L::Values) -> Result<(Y, PB), E>,
        run: R,
    ) -> Result<(u32, Y), E>
    where
        L: Lents<'t>,
        Y: 'static,
        E: 'static,
        PB: 't,
        C: Cotangents<'t> + 't,
        R: FnOnce(PB, [bool; N], C) -> O + 't,
        O: Routes<'t, N>,
    {
        let (values, keep) = lents.split();
        self.core.keep(keep);
        let (y, pb) = f(values)?;
        let node: Box<dyn Node + 't> = Box::new(NodeImpl {
            pb,
            run,
            cts: C::default(),
            sources,
            _t: PhantomData,
        });
        // SAFETY: what the node borrows, it borrows for the tape's brand `'t`: either data from
        // outside the closure, or values lent by the tape, which `Core::kept` holds until the
        // core is dropped, after every node. The closure that owns the tape is generic over `'t`
        // (and `Tape` is invariant in it), so outside data borrowed for `'t` outlives the
        // closure: it lives at least as long as `'env`, for which the caller of
        // `value_and_grad` or `vjp` borrows it. Every node is dropped before `value_and_grad`
        // returns, or when its `Vjp` is dropped, which dropck bounds by `'env` (`Vjp` has a
        // `Drop` impl). A node recorded while the nodes are dropped (a pullback's `Drop` may
        // record) is dropped by `Core`'s `Drop` too.
        #[allow(unsafe_code)]
        let node: Box<dyn Node> =
            unsafe { core::mem::transmute::<Box<dyn Node + 't>, Box<dyn Node + 'static>>(node) };
        let mut nodes = self.core.nodes.borrow_mut();
        let index = u32::try_from(nodes.len()).expect("tape: more than 2³² nodes");
        nodes.push(Some(node));
        self.core.recorded.set(self.core.recorded.get() + 1);
        Ok((index, y))
    }

    /// Output `slot` of node `node`, whose cotangent type is `D`. Called by generated code.
    #[doc(hidden)]
    pub fn output<D: 'static, Y: 'static>(&'t self, node: u32, slot: u32, value: Y) -> Var<'t, Y> {
        Var {
            value: Rc::new(value),
            source: Some(Source::Node { node, slot }),
            slot: (TypeId::of::<D>(), core::any::type_name::<D>()),
            tape: &self.core,
            _brand: PhantomData,
        }
    }

    /// A value computed from constants alone: a `Var` that records nothing. Called by
    /// generated code.
    #[doc(hidden)]
    pub fn constant<Y: 'static>(&'t self, value: Y) -> Var<'t, Y> {
        Var {
            value: Rc::new(value),
            source: None,
            slot: (TypeId::of::<()>(), "()"),
            tape: &self.core,
            _brand: PhantomData,
        }
    }

    fn input<V: Input>(&'t self, value: V) -> Var<'t, V>
    where
        V::Tangent: crate::Accumulate<V::Tangent, Output = V::Tangent> + 'static,
    {
        let value = Rc::new(value);
        let mut leaves = self.core.leaves.borrow_mut();
        let i = u32::try_from(leaves.len()).expect("tape: more than 2³² inputs");
        leaves.push(Box::new(Leaf {
            value: Rc::clone(&value),
            grad: MaybeZero::Zero,
        }));
        Var {
            value,
            source: Some(Source::Leaf(i)),
            slot: (
                TypeId::of::<V::Tangent>(),
                core::any::type_name::<V::Tangent>(),
            ),
            tape: &self.core,
            _brand: PhantomData,
        }
    }
}

impl<'t> Tape<'t, 't> {
    /// The tape a `Var` was recorded on, for the operators. Its `'env` is only a bound
    /// (`'env: 't`), so `'t` itself serves.
    pub(crate) fn of(core: &'t Core) -> &'t Tape<'t, 't> {
        brand(core)
    }
}

/// `core` as a tape branded `'t`, the lifetime of the borrow.
fn brand<'t, 'env>(core: &'t Core) -> &'t Tape<'t, 'env> {
    // SAFETY: `Tape` is `repr(transparent)` over `Core`; its lifetimes are brands. `'t` is the
    // borrow of the core itself, so what is recorded for `'t` is bounded as for a tape owned by
    // `value_and_grad` (`record`'s safety note), and `'env` only states `'env: 't`.
    #[allow(unsafe_code)]
    unsafe {
        &*(core as *const Core).cast::<Tape<'t, 'env>>()
    }
}

impl Core {
    /// Runs every node, last first, from `seed` at `out`; each node is dropped once it has run.
    fn backward<D: 'static>(&self, out: Source, seed: D) {
        let mut nodes = self.nodes.take();
        let mut leaves = self.leaves.take();
        Sink {
            nodes: &mut nodes,
            leaves: &mut leaves,
        }
        .send(out, seed);
        for k in (0..nodes.len()).rev() {
            let (before, rest) = nodes.split_at_mut(k);
            if let Some(node) = rest[0].take() {
                node.backward(&mut Sink {
                    nodes: before,
                    leaves: &mut leaves,
                });
            }
        }
        drop(nodes);
        *self.leaves.borrow_mut() = leaves;
    }

    /// The inputs' accumulators, in order, for [`Inputs::gradients`].
    fn take_leaves(&self) -> std::vec::IntoIter<Box<dyn Any>> {
        let leaves = self.leaves.take();
        leaves
            .into_iter()
            .map(LeafDyn::into_any)
            .collect::<Vec<_>>()
            .into_iter()
    }
}

/// Checks that `var` was recorded on `core`, naming `what` otherwise.
fn same_tape<T>(var: &Var<'_, T>, core: &Core, what: &str) {
    assert!(
        core::ptr::eq(var.tape, core),
        "{what}: this `Var` belongs to another tape (a `Var` of an outer `value_and_grad` used \
         inside an inner one?); nested tapes are not supported: second order is not implemented"
    );
}
