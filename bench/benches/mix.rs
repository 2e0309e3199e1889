//! The mixing core in ns per stereo track-frame, with the data already in memory:
//! (a) the bare kernel `mix_into`, and (b) the whole renderer pulling 16 in-memory stems through
//! their rings (decode pool running), 128-frame blocks.
//!
//! Run: `cargo bench -p tutti-bench --bench mix`. Criterion's "thrpt" column is in
//! elements/s where one element is one stereo track-frame; ns per track-frame = 1e9 / thrpt.

use std::sync::Arc;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use tutti::mixer::{mix_into, Channel};
use tutti::render::{EngineConfig, RenderMode, Song, TrackSpec};
use tutti::source::{PoolConfig, SourceSpec};

const TRACKS: usize = 16;
const BLOCK: usize = 128;

fn kernel(c: &mut Criterion) {
    let inputs: Vec<Vec<f32>> = (0..TRACKS)
        .map(|t| {
            (0..BLOCK * 2)
                .map(|i| ((i * (t + 1)) as f32).sin())
                .collect()
        })
        .collect();
    let mut out = vec![0.0f32; BLOCK * 2];
    let mut g = c.benchmark_group("mix_core");
    g.throughput(Throughput::Elements((TRACKS * BLOCK) as u64));
    g.bench_function("16 tracks x 128 frames, gain+pan", |b| {
        b.iter(|| {
            out.fill(0.0);
            for (t, input) in inputs.iter().enumerate() {
                mix_into(&mut out, input, 0.5 + t as f32 * 0.01, 0.7);
            }
            black_box(&out);
        })
    });
    g.finish();
}

fn renderer(c: &mut Criterion) {
    let seconds = 20;
    let stems: Vec<Arc<[f32]>> = (0..TRACKS)
        .map(|t| {
            (0..48_000 * seconds * 2)
                .map(|i| ((i * (t + 1)) as f32 * 1e-3).sin() * 0.1)
                .collect::<Vec<f32>>()
                .into()
        })
        .collect();
    let song = Song {
        tracks: stems
            .iter()
            .enumerate()
            .map(|(i, s)| TrackSpec {
                channel: Channel {
                    gain_db: -6.0,
                    pan: 0.1 * i as f32 - 0.8,
                    ..Channel::default()
                },
                ..TrackSpec::new(
                    format!("t{i}"),
                    SourceSpec::Memory {
                        samples: s.clone(),
                        channels: 2,
                        rate: 48_000,
                    },
                )
            })
            .collect(),
        ..Song::default()
    };
    let config = EngineConfig {
        block_frames: BLOCK,
        ..EngineConfig::default()
    };
    let mut g = c.benchmark_group("renderer");
    g.throughput(Throughput::Elements((TRACKS * BLOCK) as u64));
    g.bench_function("16 in-memory stems, 128-frame block", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            let mut done = 0;
            while done < iters {
                let mut pb = song
                    .start(&config, RenderMode::Offline, &PoolConfig::default())
                    .expect("start");
                let mut block = vec![0.0f32; BLOCK * 2];
                // Let the decoders fill the rings so that the measurement is the mixing work.
                std::thread::sleep(std::time::Duration::from_millis(300));
                let n = (iters - done).min(5_000);
                let start = std::time::Instant::now();
                for _ in 0..n {
                    pb.renderer.process(&mut block);
                }
                total += start.elapsed();
                black_box(&block);
                done += n;
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, kernel, renderer);
criterion_main!(benches);
