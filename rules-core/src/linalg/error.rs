//! What the fallible linear-algebra rules return for bad input: [`LinalgError`].

/// Why a fallible linear-algebra rule (`solve`, `inv`, ..) could not compute its value. Each
/// variant names the rule and, where it applies, the argument.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::{inv, LinalgError};
///
/// let singular = array![[1.0, 2.0], [2.0, 4.0]];
/// assert!(matches!(inv(singular.view()), Err(LinalgError::Singular { rule: "inv" })));
/// let err = inv(array![[1.0, 2.0, 3.0]].view()).unwrap_err();
/// assert_eq!(err.to_string(), "inv: `a` must be square, but it is 1×3");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinalgError {
    /// An argument's shape does not fit the others.
    Shape {
        /// The rule.
        rule: &'static str,
        /// The argument.
        arg: &'static str,
        /// What its shape should be.
        expected: String,
        /// Its shape.
        got: Vec<usize>,
    },
    /// A matrix argument that must be square is not.
    NotSquare {
        /// The rule.
        rule: &'static str,
        /// The argument.
        arg: &'static str,
        /// Its shape.
        shape: (usize, usize),
    },
    /// The matrix is exactly singular (a zero pivot).
    Singular {
        /// The rule.
        rule: &'static str,
    },
    /// The matrix is not positive definite.
    NotPositiveDefinite {
        /// The rule.
        rule: &'static str,
    },
    /// An argument holds NaN or ±∞.
    NonFinite {
        /// The rule.
        rule: &'static str,
        /// The argument.
        arg: &'static str,
        /// The first entry that is NaN or ±∞.
        index: Vec<usize>,
    },
}

impl core::fmt::Display for LinalgError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            LinalgError::Shape {
                rule,
                arg,
                expected,
                got,
            } => write!(f, "{rule}: `{arg}` has shape {got:?}, expected {expected}"),
            LinalgError::NotSquare { rule, arg, shape } => {
                write!(
                    f,
                    "{rule}: `{arg}` must be square, but it is {}×{}",
                    shape.0, shape.1
                )
            }
            LinalgError::Singular { rule } => {
                write!(
                    f,
                    "{rule}: the matrix is singular (a zero pivot in its LU factorisation)"
                )
            }
            LinalgError::NotPositiveDefinite { rule } => {
                write!(f, "{rule}: the matrix is not positive definite")
            }
            LinalgError::NonFinite { rule, arg, index } => {
                write!(
                    f,
                    "{rule}: `{arg}` must be finite, but its entry {index:?} is not"
                )
            }
        }
    }
}

impl std::error::Error for LinalgError {}
