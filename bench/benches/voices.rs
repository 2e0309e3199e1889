//! Sampler voices in ns per voice-frame (one stereo output frame of one voice): a mono sample
//! read at a non-integer rate with cubic interpolation, an ADSR (tutti, fundsp) or a volume
//! tween (kira), a gain and a pan, mixed into a stereo 128-frame block. 1, 64, 1024 and 4096
//! looping voices, for tutti's renderer (zero tracks), kira 0.12 (`MockBackend`, static sounds
//! with playback rate, panning and volume) and fundsp 0.23 (`resample(playwave)` × `adsr_live`
//! → `pan`, one `AudioUnit` per voice, processed in 64-frame blocks and summed).
//!
//! Run: `cargo bench -p tutti-bench --bench voices`. After criterion's own report, a table of
//! medians and the ratios kira/tutti and fundsp/tutti is printed. `-- --summary-only` prints only
//! the table; `-- --summary-only --tutti-only` measures only tutti.

use std::sync::Arc;
use std::time::{Duration, Instant};

use std::hint::black_box;

use criterion::{criterion_group, Criterion, Throughput};

const RATE: u32 = 48_000;
const BLOCK: usize = 128;
const COUNTS: [usize; 4] = [1, 64, 1024, 4096];

/// The test sample: one second of a decaying chord, mono.
fn sample() -> Vec<f32> {
    (0..RATE as usize)
        .map(|i| {
            let t = i as f32 / RATE as f32;
            ((t * 220.0 * std::f32::consts::TAU).sin()
                + 0.5 * (t * 331.0 * std::f32::consts::TAU).sin())
                * 0.3
        })
        .collect()
}

/// Per-voice settings shared by the three engines: rates between 0.7 and 1.9 (never integer),
/// pans across the field.
fn speed(i: usize) -> f64 {
    0.7 + (i % 13) as f64 * 0.0937
}

fn pan_of(i: usize) -> f32 {
    (i % 9) as f32 / 4.0 - 1.0
}

/// Something that renders one 128-frame stereo block.
trait Engine {
    fn block(&mut self);
}

struct Tutti {
    playback: tutti::render::Playback,
    out: Vec<f32>,
}

impl Tutti {
    fn new(voices: usize) -> Self {
        use tutti::voice::{EventTime, MemorySample, VoiceConfig, VoiceParams, VoiceSpec};
        let song = tutti::render::Song {
            voices: VoiceSpec {
                config: VoiceConfig {
                    max_voices: voices,
                    ..VoiceConfig::default()
                },
                memory_samples: vec![MemorySample {
                    name: "s".into(),
                    samples: Arc::from(sample()),
                    channels: 1,
                    rate: RATE,
                }],
                live: true,
                ..VoiceSpec::default()
            },
            ..tutti::render::Song::default()
        };
        let config = tutti::render::EngineConfig {
            block_frames: BLOCK,
            ..Default::default()
        };
        let playback = song
            .start(
                &config,
                tutti::render::RenderMode::RealTime,
                &Default::default(),
            )
            .expect("start");
        let id = playback.voices.sample("s", 0).expect("sample");
        for i in 0..voices {
            let params = VoiceParams {
                speed: speed(i),
                pan: pan_of(i),
                gain: 0.5,
                looping: true,
                attack_s: 0.005,
                decay_s: 0.05,
                sustain_level: 0.7,
                release_s: 0.1,
                ..VoiceParams::sample(id)
            };
            playback.voices.play(EventTime::Now, &params).expect("play");
        }
        let mut t = Self {
            playback,
            out: vec![0.0; BLOCK * 2],
        };
        t.block();
        assert_eq!(t.playback.renderer.voices().active_voices(), voices);
        t
    }
}

impl Engine for Tutti {
    fn block(&mut self) {
        self.playback.renderer.process(&mut self.out);
        black_box(&self.out);
    }
}

struct Kira {
    manager: kira::AudioManager<kira::backend::mock::MockBackend>,
}

impl Kira {
    fn new(voices: usize) -> Self {
        use kira::backend::mock::{MockBackend, MockBackendSettings};
        use kira::sound::static_sound::{StaticSoundData, StaticSoundSettings};
        use kira::{AudioManagerSettings, Decibels, Frame, Panning, PlaybackRate};
        let settings = AudioManagerSettings::<MockBackend> {
            main_track_builder: kira::track::MainTrackBuilder::new().sound_capacity(voices),
            internal_buffer_size: BLOCK,
            backend_settings: MockBackendSettings { sample_rate: RATE },
            ..Default::default()
        };
        let mut manager = kira::AudioManager::<MockBackend>::new(settings).expect("kira");
        let frames: Arc<[Frame]> = sample().into_iter().map(Frame::from_mono).collect();
        for i in 0..voices {
            let data = StaticSoundData {
                sample_rate: RATE,
                frames: frames.clone(),
                settings: StaticSoundSettings::new()
                    .loop_region(0.0..)
                    .playback_rate(PlaybackRate(speed(i)))
                    .panning(Panning(pan_of(i)))
                    .volume(Decibels(-6.0)),
                slice: None,
            };
            manager.play(data).expect("kira play");
        }
        manager.backend_mut().on_start_processing();
        manager.backend_mut().process();
        Self { manager }
    }
}

impl Engine for Kira {
    fn block(&mut self) {
        self.manager.backend_mut().on_start_processing();
        self.manager.backend_mut().process();
    }
}

struct Fundsp {
    voices: Vec<Box<dyn fundsp::audiounit::AudioUnit>>,
    buf: fundsp::buffer::BufferArray<fundsp::prelude::U2>,
    out: Vec<f32>,
}

impl Fundsp {
    fn new(voices: usize) -> Self {
        use fundsp::prelude::*;
        let wave = Arc::new(Wave::from_samples(RATE as f64, &sample()));
        let voices = (0..voices)
            .map(|i| {
                let mut unit: Box<dyn AudioUnit> = Box::new(
                    (dc(speed(i) as f32) >> resample(playwave(&wave, 0, Some(0))))
                        * (dc(1.0) >> adsr_live(0.005, 0.05, 0.7, 0.1))
                        * 0.5
                        >> pan(pan_of(i)),
                );
                unit.set_sample_rate(RATE as f64);
                unit.allocate();
                unit
            })
            .collect();
        Self {
            voices,
            buf: BufferArray::new(),
            out: vec![0.0; BLOCK * 2],
        }
    }
}

impl Engine for Fundsp {
    fn block(&mut self) {
        use fundsp::buffer::BufferRef;
        self.out.fill(0.0);
        for half in 0..BLOCK / 64 {
            for v in &mut self.voices {
                v.process(64, &BufferRef::empty(), &mut self.buf.buffer_mut());
                let out = &mut self.out[half * 128..(half + 1) * 128];
                for (i, o) in out.chunks_exact_mut(2).enumerate() {
                    o[0] += self.buf.at_f32(0, i);
                    o[1] += self.buf.at_f32(1, i);
                }
            }
        }
        black_box(&self.out);
    }
}

fn make(engine: &str, voices: usize) -> Box<dyn Engine> {
    match engine {
        "tutti" => Box::new(Tutti::new(voices)),
        "kira" => Box::new(Kira::new(voices)),
        _ => Box::new(Fundsp::new(voices)),
    }
}

const ENGINES: [&str; 3] = ["tutti", "kira", "fundsp"];

fn voices(c: &mut Criterion) {
    for n in COUNTS {
        let mut g = c.benchmark_group(format!("voices/{n}"));
        g.throughput(Throughput::Elements((n * BLOCK) as u64));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1));
        for name in ENGINES {
            let mut engine = make(name, n);
            g.bench_function(name, |b| b.iter(|| engine.block()));
        }
        g.finish();
    }
}

/// Median ns per voice-frame over 7 runs of at least ~40 ms each.
fn ns_per_voice_frame(engine: &mut dyn Engine, voices: usize) -> f64 {
    let blocks = (2_000_000 / (voices * BLOCK)).clamp(8, 20_000);
    let mut runs: Vec<f64> = (0..7)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..blocks {
                engine.block();
            }
            start.elapsed().as_nanos() as f64 / (blocks * voices * BLOCK) as f64
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[3]
}

fn summary() {
    println!("\nns per voice-frame (median of 7; 128-frame blocks, 48 kHz, looping mono sample, pitch + envelope + pan):");
    println!(
        "{:>7} {:>10} {:>10} {:>10} {:>12} {:>14}",
        "voices", "tutti", "kira", "fundsp", "kira/tutti", "fundsp/tutti"
    );
    for n in COUNTS {
        let only_tutti = std::env::args().any(|a| a == "--tutti-only");
        let ns: Vec<f64> = ENGINES
            .iter()
            .map(|name| match only_tutti && *name != "tutti" {
                true => f64::NAN,
                false => ns_per_voice_frame(make(name, n).as_mut(), n),
            })
            .collect();
        println!(
            "{n:>7} {:>10.2} {:>10.2} {:>10.2} {:>11.1}x {:>13.1}x",
            ns[0],
            ns[1],
            ns[2],
            ns[1] / ns[0],
            ns[2] / ns[0]
        );
    }
}

/// The renderer with no tracks and an idle voice stage (nothing sounding, nothing scheduled):
/// ns per 128-frame block, all of it the renderer's fixed cost.
fn idle() {
    let mut t = Tutti::new(0);
    let blocks = 200_000;
    let start = Instant::now();
    for _ in 0..blocks {
        t.block();
    }
    let ns = start.elapsed().as_nanos() as f64 / blocks as f64;
    println!("idle renderer (no tracks, no voices): {ns:.0} ns per 128-frame block");
    // The voice stage alone, idle: what every block pays for voices when none sound.
    let (_handle, mut stage) = tutti::voice::VoiceSpec::default()
        .start(RATE)
        .expect("voices");
    let mut out = vec![0.0f32; BLOCK * 2];
    let blocks = 1_000_000u64;
    let start = Instant::now();
    for b in 0..blocks {
        stage.process(black_box(&mut out), b * BLOCK as u64);
    }
    let ns = start.elapsed().as_nanos() as f64 / blocks as f64;
    println!("idle voice stage alone: {ns:.1} ns per 128-frame block (budget: 2,666,667 ns)");
}

criterion_group!(benches, voices);

fn main() {
    if !std::env::args().any(|a| a == "--summary-only") {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
    summary();
    idle();
}
