//! tutti's benchmarks. The peers they compare against (fundsp, fft-convolver) and criterion are
//! dependencies of this package only, so `cargo test` at the root never builds them.
//!
//! Run: `cargo bench -p tutti-bench --bench effects`.
