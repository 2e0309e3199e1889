//! Helpers for the voice tests: an engine with voices and no tracks, driven block by block.

#![allow(dead_code)]

use std::sync::Arc;

use tutti::render::{EngineConfig, Playback, RenderMode, Song};
use tutti::source::PoolConfig;
use tutti::voice::{MemorySample, VoiceConfig, VoiceSpec};

pub const RATE: u32 = 48_000;

/// A mono memory sample.
pub fn mono(name: &str, samples: Vec<f32>) -> MemorySample {
    MemorySample {
        name: name.into(),
        samples: Arc::from(samples),
        channels: 1,
        rate: RATE,
    }
}

/// An engine with no tracks, live voices and these samples.
pub fn engine(samples: Vec<MemorySample>, config: VoiceConfig, block_frames: usize) -> Playback {
    let song = Song {
        voices: VoiceSpec {
            config,
            memory_samples: samples,
            live: true,
            ..VoiceSpec::default()
        },
        ..Song::default()
    };
    let engine = EngineConfig {
        block_frames,
        ..EngineConfig::default()
    };
    song.start(&engine, RenderMode::Offline, &PoolConfig::default())
        .expect("engine starts")
}

/// Renders `frames` frames (whole blocks) and returns the interleaved output.
pub fn render(p: &mut Playback, frames: usize) -> Vec<f32> {
    let block = p.renderer.config().block_frames;
    let mut out = Vec::with_capacity(frames * 2 + block * 2);
    let mut buf = vec![0.0f32; block * 2];
    while out.len() < frames * 2 {
        p.renderer.process(&mut buf);
        out.extend_from_slice(&buf);
    }
    out.truncate(frames * 2);
    out
}

/// The left channel.
pub fn left(stereo: &[f32]) -> Vec<f32> {
    stereo.iter().step_by(2).copied().collect()
}

/// The frequency of the strongest peak of `x` (Hann window, parabolic interpolation on the log
/// magnitude), in Hz.
pub fn peak_hz(x: &[f32], rate: u32) -> f64 {
    let spectrum = power_spectrum(x);
    let n = x.len();
    let k = (1..spectrum.len() - 1)
        .max_by(|&a, &b| spectrum[a].total_cmp(&spectrum[b]))
        .unwrap();
    let (a, b, c) = (spectrum[k - 1].ln(), spectrum[k].ln(), spectrum[k + 1].ln());
    let offset = 0.5 * (a - c) / (a - 2.0 * b + c);
    (k as f64 + offset) * rate as f64 / n as f64
}

/// |X(k)|² for k in 0 ..= n/2, Hann-windowed.
pub fn power_spectrum(x: &[f32]) -> Vec<f64> {
    use rustfft::num_complex::Complex;
    let n = x.len();
    let mut buf: Vec<Complex<f64>> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let w = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / n as f64).cos();
            Complex::new(v as f64 * w, 0.0)
        })
        .collect();
    rustfft::FftPlanner::new()
        .plan_fft_forward(n)
        .process(&mut buf);
    buf[..=n / 2].iter().map(|c| c.norm_sqr()).collect()
}
