//! Examples of `rules-core`, written as a downstream crate would write them. Run one with
//! `cargo run --release --example NAME`.
