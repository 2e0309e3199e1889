//! Real-time render budget: 32 streamed WAV stems played in real time (paced like a sound card)
//! at 64-, 128- and 256-frame blocks; prints p50/p99/max of each block's render time as a
//! percentage of its budget, from the renderer's own profiler.
//!
//! Run: `cargo bench -p tutti-bench --bench budget` (about 20 s).

use std::time::{Duration, Instant};

use tutti::mixer::Channel;
use tutti::render::{EngineConfig, RenderMode, Song, TrackSpec};
use tutti::source::{PoolConfig, SourceSpec};

const STEMS: usize = 32;
const SECONDS_PER_RUN: f64 = 5.0;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut song = Song::default();
    for i in 0..STEMS {
        let path = dir.path().join(format!("stem{i}.wav"));
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 48_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&path, spec).expect("wav");
        for n in 0..48_000 * 8 * 2 {
            w.write_sample(((n as f32 * (i + 1) as f32 * 1e-3).sin() * 3000.0) as i16)
                .expect("write");
        }
        w.finalize().expect("finalize");
        song.tracks.push(TrackSpec {
            channel: Channel {
                gain_db: -12.0,
                pan: i as f32 / 16.0 - 1.0,
                ..Channel::default()
            },
            ..TrackSpec::new(format!("stem{i}"), SourceSpec::File(path))
        });
    }
    println!("{STEMS} streamed stereo WAV stems, played in real time for {SECONDS_PER_RUN} s per block size");
    println!(
        "{:>6} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "block", "budget", "p50 %", "p99 %", "max %", "underruns"
    );
    for block_frames in [64, 128, 256] {
        let config = EngineConfig {
            block_frames,
            ..EngineConfig::default()
        };
        let mut pb = song
            .start(&config, RenderMode::RealTime, &PoolConfig::default())
            .expect("start");
        pb.renderer.prime(24_000, Duration::from_secs(10));
        let mut block = vec![0.0f32; block_frames * 2];
        let budget = config.block_budget();
        let started = Instant::now();
        let blocks = (SECONDS_PER_RUN / budget.as_secs_f64()) as u32;
        for n in 0..blocks {
            pb.renderer.process(&mut block);
            if let Some(wait) = (budget * (n + 1)).checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        let r = pb.renderer.stats().budget_report();
        println!(
            "{block_frames:>6} {:>8.3}ms {:>10.2} {:>10.2} {:>10.2} {:>10}",
            budget.as_secs_f64() * 1e3,
            r.p50_percent,
            r.p99_percent,
            r.max_percent,
            pb.renderer.stats().underruns()
        );
    }
}
