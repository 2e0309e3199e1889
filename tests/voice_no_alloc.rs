//! Starting, stealing, choking and ending voices never allocates or frees: a counting global
//! allocator counts only on this test's thread while enabled, around both the handle's `play`
//! calls and the renderer's blocks.

mod counting_alloc;
mod voice_common;
use counting_alloc::count_allocations;
use voice_common::*;

use tutti::dsp::Waveform;
use tutti::voice::{EventTime, VoiceConfig, VoiceParams};

#[test]
fn voices_start_steal_choke_and_end_without_allocating() {
    let short: Vec<f32> = (0..3000).map(|i| (i as f32 * 0.01).sin()).collect();
    let stereo = tutti::voice::MemorySample {
        name: "pad".into(),
        samples: std::sync::Arc::from(
            (0..20_000)
                .map(|i| (i as f32 * 0.002).cos())
                .collect::<Vec<f32>>(),
        ),
        channels: 2,
        rate: RATE,
    };
    let config = VoiceConfig {
        max_voices: 48,
        fade_slots: 4,
        ..VoiceConfig::default()
    };
    let mut p = engine(vec![mono("hit", short), stereo], config, 128);
    let h = p.voices.clone();
    let hit = VoiceParams::sample(h.sample("hit", 0).unwrap());
    let pad = VoiceParams {
        looping: true,
        length_s: Some(0.05),
        ..VoiceParams::sample(h.sample("pad", 0).unwrap())
    };
    let synths: Vec<VoiceParams> = [
        Waveform::Saw,
        Waveform::Square,
        Waveform::Triangle,
        Waveform::Sine,
        Waveform::PinkNoise,
    ]
    .iter()
    .map(|&w| VoiceParams {
        length_s: Some(0.02),
        cutoff_hz: Some(3000.0),
        resonance: 0.3,
        ..VoiceParams::synth(w, 220.0)
    })
    .collect();
    // Warm up outside the counted region: the wavetables are built on first use (control side).
    for s in &synths {
        h.play(EventTime::Now, s).unwrap();
    }
    let mut buf = vec![0.0f32; 256];
    p.renderer.process(&mut buf);
    let allocations = count_allocations(|| {
        for block in 0..400u64 {
            let at = p.renderer.position_frames() + 128 + block % 128;
            for k in 0..6u64 {
                let params = match (block + k) % 4 {
                    0 => VoiceParams {
                        speed: 1.0 + k as f64 * 0.1,
                        cut: 1,
                        ..hit
                    },
                    1 => pad,
                    2 => synths[(block % 5) as usize],
                    _ => VoiceParams {
                        speed: -0.75,
                        pan: 0.5,
                        ..hit
                    },
                };
                h.play(EventTime::Frames(at + k * 7), &params).unwrap();
            }
            p.renderer.process(&mut buf);
        }
        for _ in 0..400 {
            p.renderer.process(&mut buf);
        }
    });
    let stats = h.stats();
    assert_eq!(allocations, 0, "the voice path allocated or freed");
    assert!(
        stats.stolen() > 0 && stats.choked() > 0 && stats.ended() > 0,
        "{stats:?}"
    );
    assert_eq!(p.renderer.voices().active_voices(), 0);
}
