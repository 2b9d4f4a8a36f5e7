//! Why a statement could not be specialised: one variant per reason, each with its message and
//! the advice that fits it.

use proc_macro2::TokenStream;

/// A statement the engine refuses to specialise, and why.
#[derive(Debug)]
pub(crate) struct Blocked {
    /// The statement or expression, for the error's span.
    pub(crate) at: TokenStream,
    pub(crate) reason: Reason,
    /// The linear inputs (by position) that are zero here and that the statement depends on.
    pub(crate) zero: u64,
}

/// How messages name what the engine is looking at: the linear inputs (`cotangent` for a
/// pullback, `tangent` for a pushforward) and the closure (`pullback`, `pushforward`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Words {
    pub(crate) noun: &'static str,
    pub(crate) closure: &'static str,
}

/// What a blocked statement does that the engine cannot decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reason {
    /// A call, method or operator other than `+`/`-` takes a zero and a non-zero linear input.
    Mixed,
    /// The arguments of `scaled_add` mix a zero and a non-zero linear input.
    MixedScaledAdd,
    /// A term that depends on no linear input is added to one that depends only on zero ones.
    ConstantPlusZero,
    /// A term that depends on no linear input is added into a value that is zero here.
    ConstantIntoZero,
    /// A write (other than `+=`/`-=`) into a value that is zero here.
    WriteIntoZero,
    /// `+=`/`-=` into an element or field of a value that is zero here.
    AddIntoPartOfZero,
    /// `scaled_add` into an element or field of a value that is zero here.
    ScaledAddIntoPartOfZero,
    /// Dropping the statement would lose its write into this local.
    LostWrite(String),
    /// A term dropped as zero writes into this local.
    ZeroTermWrites(String),
    /// `return`, `break`, `continue` or `?` that depends on a zero linear input.
    EarlyExit,
    /// A `let … else` that depends on a zero linear input.
    LetElse,
}

impl Reason {
    /// What the statement does, completing "it … with `dy` zero".
    pub(crate) fn what(&self, words: Words) -> String {
        let Words { noun, closure } = words;
        match self {
            Reason::Mixed => format!("combines {noun}s in a way other than `+`/`-`"),
            Reason::MixedScaledAdd => format!("combines {noun}s in the arguments of `scaled_add`"),
            Reason::ConstantPlusZero => format!(
                "adds a term that depends on no {noun} to one that depends only on {noun}s that are zero here (a {closure} is linear in its {noun}s: is this a size or a value read from a {noun}?)"
            ),
            Reason::ConstantIntoZero => {
                format!("adds a term that depends on no {noun} into a value that is zero here")
            }
            Reason::WriteIntoZero => {
                "writes into a value that is zero in this pattern (other than by `+=`/`-=`)"
                    .to_owned()
            }
            Reason::AddIntoPartOfZero => {
                "adds into part of a value that is zero in this pattern".to_owned()
            }
            Reason::ScaledAddIntoPartOfZero => {
                "adds with `scaled_add` into part of a value that is zero in this pattern"
                    .to_owned()
            }
            Reason::LostWrite(t) => {
                format!("may write into `{t}` (dropping it would lose the write),")
            }
            Reason::ZeroTermWrites(t) => {
                format!("is zero here but may write into `{t}` (dropping it would lose the write),")
            }
            Reason::EarlyExit => {
                "may leave the closure early (`return`, `break`, `continue` or `?`)".to_owned()
            }
            Reason::LetElse => {
                format!("is a `let … else` (which may leave the closure) that depends on a {noun}")
            }
        }
    }

    /// How to rewrite the statement so that it specialises.
    pub(crate) fn advice(&self, words: Words) -> String {
        let Words { noun, closure } = words;
        match self {
            Reason::WriteIntoZero | Reason::AddIntoPartOfZero | Reason::ScaledAddIntoPartOfZero => {
                format!(
                    "Start the accumulator from zeros of the right shape (`Array1::zeros(n)`) or from primal data, and add each {noun} term into it with `+=`/`-=`"
                )
            }
            Reason::LostWrite(_) | Reason::ZeroTermWrites(_) => format!(
                "Compute the value with `let` from the {noun}s (accumulate with `+=`/`-=`), or do the write outside the {closure}"
            ),
            Reason::EarlyExit | Reason::LetElse => {
                format!(
                    "Compute the condition from primal values only, or move the early exit out of the {closure}"
                )
            }
            Reason::ConstantPlusZero | Reason::ConstantIntoZero => format!(
                "A {closure} is linear in its {noun}s: take sizes and constants from the captured primal values, not from a {noun}"
            ),
            Reason::Mixed | Reason::MixedScaledAdd => format!(
                "Split it so that each term that depends on a {noun} is its own `let` and the terms are combined with `+`, `-`, `+=` or `-=`; \
                 or, if every function it calls accepts `Zero` for those arguments (for example through `impl Into<MaybeZero<_>>`), mark it `#[pass_zero]`"
            ),
        }
    }
}
