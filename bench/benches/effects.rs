//! Effect costs: every tutti effect in ns per frame and % of one core at 48 kHz, the convolution's
//! mean and worst per-block time, side by side with fundsp's reverbs and the fft-convolver crate
//! on the same input. criterion measures each effect; a summary table (own timing) follows.
//!
//! Run: `cargo bench -p tutti-bench --bench effects`.
//!
//! Means are those of the quietest tenth of each run (see [`stats`]); "steady max" is the worst
//! block of the convolver's schedule with preemption filtered out (per position in a 64-block
//! cycle, the median over cycles, then the maximum).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use fft_convolver::{FFTConvolver, TwoStageFFTConvolver};
use fundsp::prelude::*;
use tutti::dsp::{BuildContext, Effect, EffectSpec, ImpulseResponse, ProcessContext, EFFECTS};

const RATE: u32 = 48_000;
const BLOCK: usize = 128;
/// The convolution target: a 2.35 s stereo IR.
const IR_SECONDS: f32 = 2.35;

fn white(seed: u64, n: usize) -> Vec<f32> {
    let mut s = Ord::max(seed, 1);
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect()
}

fn ir(channels: usize, seconds: f32) -> ImpulseResponse {
    let len = (seconds * RATE as f32) as usize;
    let tau = len as f32 / 7.0;
    ImpulseResponse {
        channels: (0..channels)
            .map(|c| {
                white(11 + c as u64, len)
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v * (-(i as f32) / tau).exp())
                    .collect()
            })
            .collect(),
    }
}

/// Each effect as benchmarked: defaults, wet-only reverbs, a sounding delay.
fn spec_text(name: &str) -> String {
    match name {
        "reverb" => "reverb mix=1".into(),
        "convolution" => "convolution ir=generated dry=0 wet=1".into(),
        "delay" => "delay feedback=0.5".into(),
        "compressor" => "compressor threshold_db=-30".into(),
        "eq" => "eq low_db=2 mid1_db=-3 mid2_db=2 high_db=-1".into(),
        "peaking" | "lowshelf" | "highshelf" => format!("{name} gain_db=3"),
        other => other.into(),
    }
}

fn build(text: &str, ir_seconds: f32) -> Box<dyn Effect> {
    let loader = move |_: &str, _: u32| Ok(ir(2, ir_seconds));
    let ctx = BuildContext {
        rate: RATE,
        max_block_frames: BLOCK,
        load_ir: &loader,
    };
    EffectSpec::parse(text)
        .expect("spec")
        .build(&ctx)
        .expect("build")
}

/// Per-block wall times of `process` over `blocks` blocks of noise.
fn block_times(mut process: impl FnMut(&mut [f32]), blocks: usize) -> Vec<f64> {
    let input = white(5, BLOCK * 2 * 64);
    let mut block = vec![0.0f32; BLOCK * 2];
    let mut times = Vec::with_capacity(blocks);
    for b in 0..blocks {
        let at = (b % 64) * BLOCK * 2;
        block.copy_from_slice(&input[at..at + BLOCK * 2]);
        let t = Instant::now();
        process(black_box(&mut block));
        times.push(t.elapsed().as_secs_f64());
    }
    times
}

struct Stats {
    ns_per_frame: f64,
    mean_us: f64,
    max_us: f64,
    /// The 99.9th percentile of block times.
    p999_us: f64,
    /// The worst block of the schedule: per block position in a 64-block cycle, the median over
    /// cycles (removes preemption by other processes on a shared machine), then the maximum.
    steady_max_us: f64,
}

/// Statistics of per-block times. On a shared machine other processes inflate some stretches of
/// a run, so the mean is that of the quietest of ten equal stretches (for every convolver and
/// effect alike); max and p99.9 are over all blocks, preemptions included.
fn stats(times: &[f64]) -> Stats {
    let stretch = Ord::max(times.len() / 10, 1);
    let mean = times
        .chunks(stretch)
        .filter(|c| c.len() == stretch)
        .map(|c| c.iter().sum::<f64>() / c.len() as f64)
        .fold(f64::INFINITY, f64::min);
    let max = times.iter().copied().fold(0.0, f64::max);
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let p999 = sorted[sorted.len() * 999 / 1000];
    let mut steady = 0.0f64;
    for slot in 0..64 {
        let mut v: Vec<f64> = times.iter().skip(slot).step_by(64).copied().collect();
        v.sort_by(f64::total_cmp);
        steady = steady.max(v[v.len() / 2]);
    }
    Stats {
        ns_per_frame: mean * 1e9 / BLOCK as f64,
        mean_us: mean * 1e6,
        max_us: max * 1e6,
        p999_us: p999 * 1e6,
        steady_max_us: steady * 1e6,
    }
}

fn measure(process: impl FnMut(&mut [f32]), warm: usize, blocks: usize) -> Stats {
    let mut p = process;
    block_times(&mut p, warm);
    stats(&block_times(p, blocks))
}

fn percent_core(ns_per_frame: f64) -> f64 {
    ns_per_frame * RATE as f64 / 1e9 * 100.0
}

/// fundsp: a stereo node processed 64 frames at a time (its block limit), de-interleaving.
fn fundsp_process(
    unit: &mut dyn AudioUnit,
    input: &mut BufferVec,
    output: &mut BufferVec,
    block: &mut [f32],
) {
    for chunk in block.chunks_mut(2 * MAX_BUFFER_SIZE) {
        let n = chunk.len() / 2;
        {
            let mut inp = input.buffer_mut();
            for i in 0..n {
                inp.set_f32(0, i, chunk[2 * i]);
                inp.set_f32(1, i, chunk[2 * i + 1]);
            }
        }
        unit.process(n, &input.buffer_ref(), &mut output.buffer_mut());
        let out = output.buffer_ref();
        for i in 0..n {
            chunk[2 * i] = out.at_f32(0, i);
            chunk[2 * i + 1] = out.at_f32(1, i);
        }
    }
}

fn fundsp_unit(name: &str) -> Box<dyn AudioUnit> {
    let mut unit: Box<dyn AudioUnit> = match name {
        "fundsp reverb_stereo(10 m, 2 s)" => Box::new(reverb_stereo(10.0, 2.0, 0.5)),
        "fundsp reverb2_stereo(20 m, 2 s)" => {
            Box::new(reverb2_stereo(20.0, 2.0, 0.5, 1.0, lowpole_hz(8000.0)))
        }
        "fundsp reverb3_stereo(2 s)" => Box::new(reverb3_stereo(2.0, 0.5, lowpole_hz(8000.0))),
        _ => Box::new(reverb4_stereo(20.0, 2.0)),
    };
    unit.set_sample_rate(RATE as f64);
    unit.allocate();
    unit
}

const FUNDSP: [&str; 4] = [
    "fundsp reverb_stereo(10 m, 2 s)",
    "fundsp reverb2_stereo(20 m, 2 s)",
    "fundsp reverb3_stereo(2 s)",
    "fundsp reverb4_stereo(20 m, 2 s)",
];

/// fft-convolver on the same stereo IR: one mono convolver per channel, de-interleaving.
fn fft_convolver(two_stage: bool, ir: &ImpulseResponse) -> impl FnMut(&mut [f32]) {
    let mut uniform = [
        FFTConvolver::<f32>::default(),
        FFTConvolver::<f32>::default(),
    ];
    let mut staged = [
        TwoStageFFTConvolver::<f32>::default(),
        TwoStageFFTConvolver::<f32>::default(),
    ];
    for c in 0..2 {
        if two_stage {
            staged[c]
                .init_default(BLOCK, &ir.channels[c])
                .expect("init");
        } else {
            uniform[c].init(BLOCK, &ir.channels[c]).expect("init");
        }
    }
    let (mut inp, mut out) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
    move |block: &mut [f32]| {
        for c in 0..2 {
            for (i, v) in inp.iter_mut().enumerate() {
                *v = block[2 * i + c];
            }
            let _ = if two_stage {
                staged[c].process(&inp, &mut out)
            } else {
                uniform[c].process(&inp, &mut out)
            };
            for (i, v) in out.iter().enumerate() {
                block[2 * i + c] = *v;
            }
        }
    }
}

fn criterion_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("effect");
    group.throughput(Throughput::Elements(BLOCK as u64));
    let input = white(3, BLOCK * 2);
    for e in EFFECTS.iter() {
        let mut fx = build(&spec_text(e.name), IR_SECONDS);
        let mut block = input.clone();
        group.bench_function(e.name, |b| {
            b.iter(|| {
                block.copy_from_slice(&input);
                fx.process(black_box(&mut block), &ProcessContext::default());
            })
        });
    }
    for name in FUNDSP {
        let mut unit = fundsp_unit(name);
        let (mut i, mut o) = (BufferVec::new(2), BufferVec::new(2));
        let mut block = input.clone();
        group.bench_function(name, |b| {
            b.iter(|| {
                block.copy_from_slice(&input);
                fundsp_process(unit.as_mut(), &mut i, &mut o, black_box(&mut block));
            })
        });
    }
    let ir = ir(2, IR_SECONDS);
    for (name, two) in [
        ("fft-convolver FFTConvolver", false),
        ("fft-convolver TwoStageFFTConvolver", true),
    ] {
        let mut f = fft_convolver(two, &ir);
        let mut block = input.clone();
        group.bench_function(name, |b| {
            b.iter(|| {
                block.copy_from_slice(&input);
                f(black_box(&mut block));
            })
        });
    }
    group.finish();
}

fn summary() {
    println!(
        "\n== tutti effects, {BLOCK}-frame stereo blocks at {RATE} Hz (own timing, 6 s of audio each) =="
    );
    println!("{:<36} {:>10} {:>10}", "effect", "ns/frame", "% core");
    let blocks = 6 * RATE as usize / BLOCK;
    let mut reverb_ns = 0.0;
    for e in EFFECTS.iter() {
        let mut fx = build(&spec_text(e.name), IR_SECONDS);
        let s = measure(|b| fx.process(b, &ProcessContext::default()), 200, blocks);
        if e.name == "reverb" {
            reverb_ns = s.ns_per_frame;
        }
        println!(
            "{:<36} {:>10.1} {:>10.3}",
            e.name,
            s.ns_per_frame,
            percent_core(s.ns_per_frame)
        );
    }
    for name in FUNDSP {
        let mut unit = fundsp_unit(name);
        let (mut i, mut o) = (BufferVec::new(2), BufferVec::new(2));
        let s = measure(
            |b| fundsp_process(unit.as_mut(), &mut i, &mut o, b),
            200,
            blocks,
        );
        println!(
            "{:<36} {:>10.1} {:>10.3}   tutti reverb is {:.2}x its cost",
            name,
            s.ns_per_frame,
            percent_core(s.ns_per_frame),
            reverb_ns / s.ns_per_frame
        );
    }

    println!(
        "\n== convolution, {IR_SECONDS} s stereo IR, {BLOCK}-frame blocks (30 s of audio; per-block wall times) =="
    );
    println!(
        "{:<36} {:>9} {:>7} {:>9} {:>9} {:>8} {:>10} {:>12}",
        "convolver",
        "ns/frame",
        "% core",
        "mean µs",
        "max µs",
        "max/mean",
        "p99.9/mean",
        "steady max/mean"
    );
    let blocks = 30 * RATE as usize / BLOCK;
    let ir = ir(2, IR_SECONDS);
    let mut rows = Vec::new();
    let mut fx = build(&spec_text("convolution"), IR_SECONDS);
    rows.push((
        "tutti convolution".to_string(),
        measure(|b| fx.process(b, &ProcessContext::default()), 2000, blocks),
    ));
    for (name, two) in [
        ("fft-convolver FFTConvolver", false),
        ("fft-convolver TwoStageFFTConvolver", true),
    ] {
        rows.push((
            name.to_string(),
            measure(fft_convolver(two, &ir), 2000, blocks),
        ));
    }
    let mut fx10 = build(&spec_text("convolution"), 10.0);
    rows.push((
        "tutti convolution, 10 s IR".to_string(),
        measure(
            |b| fx10.process(b, &ProcessContext::default()),
            2000,
            blocks,
        ),
    ));
    let tutti_ns = rows[0].1.ns_per_frame;
    for (name, s) in &rows {
        println!(
            "{:<36} {:>9.1} {:>7.3} {:>9.2} {:>9.2} {:>8.2} {:>10.2} {:>12.2}   tutti costs {:.2}x",
            name,
            s.ns_per_frame,
            percent_core(s.ns_per_frame),
            s.mean_us,
            s.max_us,
            s.max_us / s.mean_us,
            s.p999_us / s.mean_us,
            s.steady_max_us / s.mean_us,
            tutti_ns / s.ns_per_frame
        );
    }
    println!(
        "targets: convolution ≤ 1 % of a core with worst block ≤ 3x mean; reverb ≤ 60 ns/frame (measured {reverb_ns:.1})"
    );
}

fn main() {
    // `TUTTI_BENCH_SUMMARY_ONLY=1` skips criterion and prints only the table (a quick check).
    if std::env::var("TUTTI_BENCH_SUMMARY_ONLY").as_deref() == Ok("1") {
        summary();
        return;
    }
    let mut c = Criterion::default()
        .configure_from_args()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20);
    criterion_benches(&mut c);
    c.final_summary();
    summary();
}
