//! Voices through the whole renderer: sample-exact onsets and stops (also inside a block), the
//! ADSR shape, a 10,000-voice burst that ends, stealing, choke groups, and pitch.

mod voice_common;
use voice_common::*;

use tutti::dsp::Waveform;
use tutti::voice::{EventTime, Sound, TempoMap, VoiceConfig, VoiceParams};

/// A constant 1.0 "sample": interpolation at integer positions returns exactly 1.
fn dc(frames: usize) -> Vec<f32> {
    vec![1.0; frames]
}

fn first_nonzero(x: &[f32], from: usize) -> Option<usize> {
    x[from..].iter().position(|v| *v != 0.0).map(|i| i + from)
}

#[test]
fn onsets_and_stops_land_on_their_exact_frame_in_any_block_size() {
    let mut outputs = Vec::new();
    for block in [16, 64, 128, 1024] {
        let mut p = engine(vec![mono("dc", dc(1000))], VoiceConfig::default(), block);
        let h = p.voices.clone();
        h.set_tempo(TempoMap::constant(100.0).unwrap());
        let dc = h.sample("dc", 0).unwrap();
        let shot = VoiceParams {
            release_s: 0.0,
            ..VoiceParams::sample(dc)
        };
        h.play(EventTime::Frames(1000), &shot).unwrap();
        h.play(EventTime::Frames(12_345), &shot).unwrap(); // inside a 128-frame block
        h.play(EventTime::Seconds(0.5), &shot).unwrap(); // frame 24000
        h.play(EventTime::Beats(1.5), &shot).unwrap(); // 1.5 beats at 100 bpm = 0.9 s = 43200
        let held = VoiceParams {
            looping: true,
            ..shot
        };
        let id = h.play(EventTime::Frames(50_001), &held).unwrap();
        h.stop(id, EventTime::Frames(50_077)).unwrap();
        let out = left(&render(&mut p, 60_000));
        let mut onsets = Vec::new();
        let mut from = 0;
        while let Some(start) = first_nonzero(&out, from) {
            let end = first_nonzero_run_end(&out, start);
            onsets.push((start, end));
            from = end;
        }
        assert_eq!(
            onsets,
            vec![
                (1000, 2000),
                (12_345, 13_345),
                (24_000, 25_000),
                (43_200, 44_200),
                (50_001, 50_077)
            ],
            "block {block}"
        );
        outputs.push(out);
    }
    // Block-size independence: bit-identical output.
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
}

/// The first silent frame from `start`.
fn first_nonzero_run_end(x: &[f32], start: usize) -> usize {
    x[start..]
        .iter()
        .position(|v| *v == 0.0)
        .map_or(x.len(), |i| i + start)
}

#[test]
fn adsr_shape_matches_its_formula() {
    let (a, d, s, r, gate) = (480usize, 240usize, 0.5f32, 960usize, 2400usize);
    let mut p = engine(vec![mono("dc", dc(64))], VoiceConfig::default(), 128);
    let h = p.voices.clone();
    let params = VoiceParams {
        looping: true,
        attack_s: a as f64 / RATE as f64,
        decay_s: d as f64 / RATE as f64,
        sustain_level: s,
        release_s: r as f64 / RATE as f64,
        length_s: Some(gate as f64 / RATE as f64),
        ..VoiceParams::sample(h.sample("dc", 0).unwrap())
    };
    h.play(EventTime::Frames(100), &params).unwrap();
    let out = left(&render(&mut p, 100 + gate + r + 500));
    let formula = |k: usize| -> f32 {
        let held = |k: usize| {
            if k < a {
                k as f32 / a as f32
            } else if k < a + d {
                1.0 - (1.0 - s) * (k - a) as f32 / d as f32
            } else {
                s
            }
        };
        if k < gate {
            held(k)
        } else if k < gate + r {
            held(gate) * (1.0 - (k - gate) as f32 / r as f32)
        } else {
            0.0
        }
    };
    for (i, &v) in out.iter().enumerate() {
        let want = if i < 100 { 0.0 } else { formula(i - 100) };
        assert!((v - want).abs() < 1e-4, "frame {i}: {v} != {want}");
    }
    assert_eq!(p.renderer.voices().active_voices(), 0);
}

#[test]
fn burst_of_ten_thousand_one_shots_returns_to_zero() {
    let click: Vec<f32> = (0..2000).map(|i| (i as f32 * 0.05).sin()).collect();
    let mut p = engine(vec![mono("click", click)], VoiceConfig::default(), 128);
    let h = p.voices.clone();
    let id = h.sample("click", 0).unwrap();
    for i in 0..10_000u64 {
        let params = VoiceParams {
            speed: 0.5 + (i % 7) as f64 * 0.25,
            pan: (i % 3) as f32 - 1.0,
            ..VoiceParams::sample(id)
        };
        h.play(EventTime::Frames(i * 3), &params).unwrap();
    }
    render(&mut p, 48_000);
    let stats = h.stats();
    assert_eq!(stats.started(), 10_000);
    assert_eq!(stats.ended(), 10_000);
    assert_eq!(stats.active(), 0);
    assert_eq!(p.renderer.voices().active_voices(), 0);
    assert_eq!(stats.late() + stats.dropped(), 0);
    assert_eq!(stats.stolen(), 0);
    // Now all at once: 10,000 voices on one frame, so 5,904 are stolen (most cut at once, as
    // the 256 fade slots overflow), and the pool still empties.
    let start = p.renderer.position_frames() + 128;
    for _ in 0..10_000 {
        h.play(EventTime::Frames(start), &VoiceParams::sample(id))
            .unwrap();
    }
    render(&mut p, 4_000);
    assert_eq!(stats.started(), 20_000);
    assert_eq!(stats.stolen(), 10_000 - 4096);
    assert_eq!(stats.hard_cuts(), 10_000 - 4096 - 256);
    assert_eq!(stats.ended(), 20_000);
    assert_eq!(p.renderer.voices().active_voices(), 0);
}

#[test]
fn a_full_pool_steals_the_oldest_voice_with_a_fade() {
    let config = VoiceConfig {
        max_voices: 4,
        fade_slots: 2,
        steal_fade_ms: 5.0,
        ..VoiceConfig::default()
    };
    let mut p = engine(vec![mono("dc", dc(64))], config, 128);
    let h = p.voices.clone();
    let dc = h.sample("dc", 0).unwrap();
    let looped = |gain: f32| VoiceParams {
        looping: true,
        gain,
        ..VoiceParams::sample(dc)
    };
    h.play(EventTime::Frames(0), &looped(100.0)).unwrap(); // the oldest, easy to see
    for k in 1..=4 {
        h.play(EventTime::Frames(k * 10), &looped(1.0)).unwrap();
    }
    let out = left(&render(&mut p, 1000));
    assert_eq!(out[39], 103.0);
    // At frame 40 the pool is full: the oldest (gain 100) fades over 240 frames.
    assert!((out[40] - 104.0).abs() < 1e-3, "{}", out[40]);
    assert!((out[160] - (4.0 + 50.0)).abs() < 1.0, "{}", out[160]);
    assert_eq!(out[300], 4.0);
    assert_eq!(h.stats().stolen(), 1);
    assert_eq!(h.stats().hard_cuts(), 0);
    assert_eq!(p.renderer.voices().active_voices(), 4);
}

#[test]
fn a_new_voice_chokes_its_group_only() {
    let mut p = engine(
        vec![mono("dc", dc(64))],
        VoiceConfig {
            cut_fade_ms: 10.0,
            ..VoiceConfig::default()
        },
        128,
    );
    let h = p.voices.clone();
    let dc = h.sample("dc", 0).unwrap();
    let looped = |gain: f32, cut: i32| VoiceParams {
        looping: true,
        gain,
        cut,
        ..VoiceParams::sample(dc)
    };
    h.play(EventTime::Frames(0), &looped(1.0, 1)).unwrap();
    h.play(EventTime::Frames(100), &looped(10.0, 2)).unwrap();
    h.play(EventTime::Frames(200), &looped(100.0, 1)).unwrap();
    let out = left(&render(&mut p, 1200));
    assert_eq!(out[150], 11.0);
    assert_eq!(out[200], 111.0); // the fade starts at the new voice's frame
    assert!(out[440] > 110.0 && out[440] < 111.0);
    assert_eq!(out[200 + 480], 110.0); // 10 ms later the first voice is gone; group 2 plays on
    assert_eq!(h.stats().choked(), 1);
    assert_eq!(p.renderer.voices().active_voices(), 2);
}

#[test]
fn a_440_hz_sample_at_speed_2_measures_880_hz() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sine")).unwrap();
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(dir.path().join("sine/a440.wav"), spec).unwrap();
    for i in 0..RATE * 8 {
        w.write_sample((i as f64 * 440.0 / RATE as f64 * std::f64::consts::TAU).sin() as f32 * 0.5)
            .unwrap();
    }
    w.finalize().unwrap();
    let song = tutti::render::Song {
        voices: tutti::voice::VoiceSpec {
            samples_dir: Some(dir.path().into()),
            live: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut p = song
        .start(
            &tutti::render::EngineConfig::default(),
            tutti::render::RenderMode::Offline,
            &Default::default(),
        )
        .unwrap();
    let h = p.voices.clone();
    let params = VoiceParams {
        speed: 2.0,
        ..VoiceParams::sample(h.sample_str("sine:0").unwrap())
    };
    h.play(EventTime::Now, &params).unwrap();
    let out = left(&render(&mut p, 1 << 17));
    let f = peak_hz(&out, RATE);
    assert!((f - 880.0).abs() < 0.5, "peak at {f} Hz");
    // The same through a synth voice: a 440 Hz sine with note +12 is 880 Hz too.
    let mut p = engine(vec![], VoiceConfig::default(), 128);
    let params = VoiceParams {
        note: 12.0,
        ..VoiceParams::synth(Waveform::Sine, 440.0)
    };
    p.voices.play(EventTime::Now, &params).unwrap();
    let f = peak_hz(&left(&render(&mut p, 1 << 17)), RATE);
    assert!((f - 880.0).abs() < 0.5, "synth peak at {f} Hz");
    assert!(matches!(params.sound, Sound::Synth { .. }));
}

#[test]
fn one_shots_from_another_thread_play_over_a_stem() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<tutti::voice::VoiceHandle>();
    let stem: std::sync::Arc<[f32]> = vec![0.25f32; 2 * RATE as usize].into();
    let mut song = tutti::render::Song::default();
    song.tracks.push(tutti::render::TrackSpec::new(
        "stem",
        tutti::source::SourceSpec::Memory {
            samples: stem,
            channels: 2,
            rate: RATE,
        },
    ));
    song.voices = tutti::voice::VoiceSpec {
        memory_samples: vec![mono("dc", dc(100))],
        ..Default::default()
    };
    let mut p = song
        .start(
            &tutti::render::EngineConfig::default(),
            tutti::render::RenderMode::Offline,
            &Default::default(),
        )
        .unwrap();
    let h = p.voices.clone();
    std::thread::spawn(move || {
        let id = h.sample("dc", 0).unwrap();
        h.play(
            EventTime::Frames(10_000),
            &VoiceParams {
                release_s: 0.0,
                ..VoiceParams::sample(id)
            },
        )
        .unwrap();
    })
    .join()
    .unwrap();
    let out = left(&render(&mut p, 20_000));
    assert_eq!(
        (out[9_999], out[10_000], out[10_099], out[10_100]),
        (0.25, 1.25, 1.25, 0.25)
    );
    assert_eq!(p.voices.stats().ended(), 1);
}

#[test]
fn a_transport_seek_replays_the_timeline_from_there() {
    use tutti::voice::TimelineEvent;
    let stem: std::sync::Arc<[f32]> = vec![0.0f32; 4 * RATE as usize].into();
    let mut song = tutti::render::Song::default();
    song.tracks.push(tutti::render::TrackSpec::new(
        "stem",
        tutti::source::SourceSpec::Memory {
            samples: stem,
            channels: 2,
            rate: RATE,
        },
    ));
    let event = |seconds: f64| TimelineEvent {
        at: EventTime::Seconds(seconds),
        sample: Some("dc".into()),
        params: VoiceParams::sample(tutti::voice::SampleId(0)),
    };
    song.voices = tutti::voice::VoiceSpec {
        memory_samples: vec![mono("dc", dc(100))],
        events: vec![event(0.1), event(0.5), event(1.0)],
        ..Default::default()
    };
    let mut p = song
        .start(
            &tutti::render::EngineConfig::default(),
            tutti::render::RenderMode::Offline,
            &Default::default(),
        )
        .unwrap();
    render(&mut p, RATE as usize * 6 / 10);
    assert_eq!(p.voices.stats().started(), 2);
    p.handle
        .send(tutti::render::Command::Seek {
            frame: RATE as u64 / 20,
        })
        .unwrap();
    render(&mut p, RATE as usize * 3 / 2);
    assert_eq!(
        p.voices.stats().started(),
        5,
        "0.1 s, 0.5 s and 1.0 s play again after seeking to 0.05 s"
    );
}
