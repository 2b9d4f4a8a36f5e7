//! The kit's seeded random numbers: cotangents and directions that reproduce.

use super::Tangent;

/// A seeded generator (splitmix64) for cotangents and directions.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed; the same seed gives the same sequence.
    ///
    /// ```
    /// use rules_core::testing::Rng;
    /// assert_eq!(Rng::new(1).uniform(), Rng::new(1).uniform());
    /// ```
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[-1, 1)`.
    ///
    /// ```
    /// let x = rules_core::testing::Rng::new(9).uniform();
    /// assert!((-1.0..1.0).contains(&x));
    /// ```
    #[allow(clippy::cast_precision_loss)]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }

    /// A value shaped like `like`, with uniform entries in `[-1, 1)`.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use rules_core::testing::Rng;
    /// let t = Rng::new(7).random_like(&(Array2::<f32>::zeros((2, 3)), 0.0f64));
    /// assert_eq!(t.0.dim(), (2, 3));
    /// assert_eq!(Rng::new(7).random_like(&t), t); // reproducible
    /// ```
    pub fn random_like<T: Tangent>(&mut self, like: &T) -> T {
        let parts: Vec<Vec<f64>> = like
            .parts()
            .iter()
            .map(|p| p.values.iter().map(|_| self.uniform()).collect())
            .collect();
        like.rebuild(&parts)
    }
}
