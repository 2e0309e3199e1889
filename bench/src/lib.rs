//! Benchmarks for tutti live in `benches/`; this crate holds the peer crates they compare against,
//! so that `cargo test` in the main package never builds them. Run `cargo bench -p tutti-bench`.
