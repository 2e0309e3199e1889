//! Zero allocations on the audio thread with every effect active and every parameter changing:
//! a counting global allocator that counts only on the thread rendering.

mod counting_alloc;
use counting_alloc::count_allocations;

use std::sync::Arc;

use tutti::dsp::{EffectSpec, EFFECTS};
use tutti::mixer::Channel;
use tutti::render::{
    BusSpec, ChainId, Command, EngineConfig, RenderMode, SendSpec, Song, TrackSpec,
};
use tutti::source::{PoolConfig, SourceSpec};

fn spec(text: &str) -> EffectSpec {
    EffectSpec::parse(text).unwrap()
}

fn tone(frames: usize) -> SourceSpec {
    let samples: Vec<f32> = (0..frames * 2)
        .map(|i| ((i / 2) as f32 * 0.031).sin() * 0.8)
        .collect();
    SourceSpec::Memory {
        samples: Arc::from(samples),
        channels: 2,
        rate: 48_000,
    }
}

#[test]
fn rendering_with_every_effect_and_changing_parameters_never_allocates() {
    let dir = tempfile::tempdir().unwrap();
    let ir_path = dir.path().join("ir.wav");
    let wav = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&ir_path, wav).unwrap();
    for i in 0..60_000 {
        let v = (-(i as f32) / 8000.0).exp() * if i % 3 == 0 { 0.5 } else { -0.3 };
        w.write_sample(v).unwrap();
        w.write_sample(-v).unwrap();
    }
    w.finalize().unwrap();

    let track_fx = [
        "gain gain_db=-3",
        "pan pan=0.2 width=1.5",
        "lowpass freq_hz=8000",
        "highpass freq_hz=40",
        "bandpass freq_hz=1000 q=0.3",
        "notch freq_hz=60 q=8",
        "lowshelf gain_db=2",
        "highshelf gain_db=-2",
        "peaking gain_db=3",
        "eq low_db=1 mid1_db=-2",
        "delay bpm=120 beats=0.75 ping_pong=true",
        "distortion drive_db=6 mix=0.3",
        "compressor",
        "limiter",
    ];
    let mut lead = TrackSpec::new("lead", tone(48_000 * 3));
    lead.effects = track_fx.iter().map(|t| spec(t)).collect();
    lead.sends = vec![
        SendSpec {
            bus: 0,
            level_db: -6.0,
            pre_fader: false,
        },
        SendSpec {
            bus: 0,
            level_db: -12.0,
            pre_fader: true,
        },
    ];
    let mut kick = TrackSpec::new("kick", tone(48_000 * 2));
    kick.bus = Some(1);
    let mut verb = BusSpec::new("verb", Channel::default());
    verb.effects = vec![
        spec("reverb mix=1"),
        spec(&format!("convolution ir={} dry=0 wet=1", ir_path.display())),
    ];
    let mut drums = BusSpec::new("drums", Channel::default());
    drums.effects = vec![spec("compressor sidechain=verb")];
    let song = Song {
        tracks: vec![lead, kick],
        buses: vec![verb, drums],
        master_effects: vec![
            spec("eq high_db=1"),
            spec("compressor sidechain=drums threshold_db=-30"),
            spec("limiter ceiling_db=-1"),
        ],
        ..Song::default()
    };
    let names: Vec<&str> = track_fx
        .iter()
        .map(|t| t.split(' ').next().unwrap())
        .chain(["reverb", "convolution"])
        .collect();
    assert!(
        EFFECTS.iter().all(|e| names.contains(&e.name)),
        "every effect is in the test"
    );

    let config = EngineConfig::default();
    let mut playback = song
        .start(&config, RenderMode::Offline, &PoolConfig::default())
        .unwrap();
    let chains: Vec<(ChainId, Vec<usize>)> = vec![
        (
            ChainId::Track(0),
            song.tracks[0]
                .effects
                .iter()
                .map(|e| e.info().params.len())
                .collect(),
        ),
        (
            ChainId::Bus(0),
            song.buses[0]
                .effects
                .iter()
                .map(|e| e.info().params.len())
                .collect(),
        ),
        (ChainId::Bus(1), vec![7]),
        (
            ChainId::Master,
            song.master_effects
                .iter()
                .map(|e| e.info().params.len())
                .collect(),
        ),
    ];
    let mut block = vec![0.0f32; config.block_frames * 2];
    let mut commands = 0;
    let allocations = count_allocations(|| {
        for b in 0..1500usize {
            for (chain, slots) in &chains {
                for (slot, &params) in slots.iter().enumerate() {
                    let param = b % params;
                    let value = ((b * 7919 + slot * 31) % 1000) as f32 / 1000.0 * 40.0 - 20.0;
                    if playback
                        .handle
                        .send(Command::SetEffectParam {
                            chain: *chain,
                            slot,
                            param,
                            value,
                        })
                        .is_ok()
                    {
                        commands += 1;
                    }
                    if b % 97 == slot {
                        let _ = playback.handle.send(Command::SetEffectEnabled {
                            chain: *chain,
                            slot,
                            enabled: b % 2 == 0,
                        });
                    }
                }
            }
            let _ = playback.handle.send(Command::SetSend {
                track: 0,
                send: b % 2,
                gain: (b % 10) as f32 / 10.0,
            });
            let _ = playback.handle.send(Command::SetTrack {
                track: 0,
                channel: Channel {
                    gain_db: -((b % 6) as f32),
                    ..Channel::default()
                },
            });
            playback.renderer.process(&mut block);
            assert!(block.iter().all(|v| v.is_finite()));
        }
    });
    assert!(commands > 1000);
    assert_eq!(allocations, 0, "allocations on the audio thread");
}
