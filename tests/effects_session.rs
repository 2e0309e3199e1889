//! Effects in sessions and songs: parsing and errors, sends and buses, tails, block-size
//! independence, and the `tutti fx` command.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use tutti::dsp::EffectSpec;
use tutti::mixer::Channel;
use tutti::output::{render_offline, BlockSink, OutputError};
use tutti::render::{BusSpec, EngineConfig, RenderMode, SendSpec, Song, TrackSpec};
use tutti::session::Session;
use tutti::source::{PoolConfig, SourceSpec};

struct Memory(Vec<f32>);
impl BlockSink for Memory {
    fn write_block(&mut self, b: &[f32]) -> Result<(), OutputError> {
        self.0.extend_from_slice(b);
        Ok(())
    }
}

fn parse(text: &str) -> Result<Session, String> {
    Session::parse(text, Path::new("/songs/song.toml")).map_err(|e| e.to_string())
}

#[test]
fn the_example_session_parses_into_effects_buses_and_sends() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/effects.toml");
    let session = Session::load(&path).unwrap();
    let song = session.to_song(0).unwrap();
    assert_eq!(song.master_effects.len(), 2);
    assert_eq!(song.buses[1].effects[0].name(), "reverb");
    assert_eq!(song.buses[2].effects[0].text("sidechain"), Some("drums"));
    assert_eq!(
        song.tracks[2].sends,
        vec![SendSpec {
            bus: 1,
            level_db: -8.0,
            pre_fader: false
        }]
    );
    assert!(song.tracks[3].sends[0].pre_fader);
    assert_eq!(song.tracks[2].effects[0].values()[4], 120.0);
}

#[test]
fn effect_errors_name_the_key_and_the_line() {
    let base = "[[bus]]\nname = \"verb\"\n[[track]]\nfile = \"a.wav\"\n";
    for (extra, expect) in [
        (
            "effects = [{ type = \"eq\", gian = 3 }]",
            "song.toml:5: track 'a': eq: unknown key 'gian'",
        ),
        (
            "effects = [{ type = \"reverbb\" }]",
            "song.toml:5: track 'a': unknown effect 'reverbb'",
        ),
        (
            "effects = [{ type = \"limiter\", ceiling_db = 4 }]",
            "song.toml:5: track 'a': limiter: ceiling_db=4 is out of range",
        ),
        (
            "effects = [{ freq_hz = 4 }]",
            "song.toml:5: track 'a': effect without type",
        ),
        (
            "effects = [{ type = \"compressor\", sidechain = \"verb\" }]",
            "sidechain works on bus and master effects only",
        ),
        (
            "sends = [{ bus = \"nope\" }]",
            "track 'a': send to unknown bus 'nope'",
        ),
        (
            "sends = [{ bus = \"verb\", level = -3 }]",
            "song.toml:5: unknown field `level`",
        ),
    ] {
        let err = parse(&format!("{base}{extra}\n")).unwrap_err();
        assert!(err.contains(expect), "{extra}: {err}");
    }
    let err = parse("[master]\neffects = [{ type = \"compressor\", sidechain = \"drums\" }]\n[[track]]\nfile = \"a.wav\"\n").unwrap_err();
    assert!(err.contains("unknown side-chain bus 'drums'"), "{err}");
}

fn tone(frames: usize, freq: f32) -> SourceSpec {
    let samples: Vec<f32> = (0..frames * 2)
        .map(|i| ((i / 2) as f32 * freq).sin() * 0.5)
        .collect();
    SourceSpec::Memory {
        samples: Arc::from(samples),
        channels: 2,
        rate: 48_000,
    }
}

fn song() -> Song {
    let spec = |t: &str| EffectSpec::parse(t).unwrap();
    let mut a = TrackSpec::new("a", tone(20_000, 0.05));
    a.effects = vec![
        spec("eq mid1_db=4"),
        spec("delay time_ms=50 feedback=0.5"),
        spec("compressor"),
    ];
    a.sends = vec![SendSpec {
        bus: 0,
        level_db: -3.0,
        pre_fader: true,
    }];
    a.channel.gain_db = -6.0;
    let mut b = TrackSpec::new("b", tone(10_000, 0.11));
    b.bus = Some(1);
    let mut verb = BusSpec::new("verb", Channel::default());
    verb.effects = vec![spec("reverb decay_s=0.5 mix=1")];
    let mut keyed = BusSpec::new("keyed", Channel::default());
    keyed.effects = vec![spec("compressor sidechain=verb threshold_db=-40")];
    Song {
        tracks: vec![a, b],
        buses: vec![verb, keyed],
        master_effects: vec![spec("limiter ceiling_db=-3")],
        ..Song::default()
    }
}

fn render(song: &Song, block: usize) -> (Vec<f32>, usize) {
    let config = EngineConfig {
        block_frames: block,
        ..EngineConfig::default()
    };
    let mut playback = song
        .start(&config, RenderMode::Offline, &PoolConfig::default())
        .unwrap();
    let tail = playback.renderer.tail_frames();
    let mut sink = Memory(Vec::new());
    render_offline(&mut playback.renderer, &mut sink, &mut |_| {}).unwrap();
    (sink.0, tail)
}

#[test]
fn renders_with_tails_identically_at_any_block_size() {
    let song = song();
    let (reference, tail) = render(&song, 128);
    assert_eq!(reference.len() / 2, 20_000 + tail);
    // The reverb on the send bus is still ringing after the tracks ended.
    let after = &reference[2 * 20_500..2 * 21_000];
    assert!(after.iter().any(|v| v.abs() > 1e-4));
    assert!(reference
        .iter()
        .all(|v| v.abs() <= tutti::dsp::db_to_gain(-3.0)));
    for block in [64, 1024] {
        let (other, _) = render(&song, block);
        assert!(other == reference, "block {block} differs from block 128");
    }
}

#[test]
fn pre_fader_send_keeps_feeding_the_bus_when_the_fader_is_down() {
    let mut song = song();
    song.tracks[0].channel.mute = false;
    song.tracks[0].channel.gain_db = -48.0;
    song.master_effects.clear();
    let (loud, _) = render(&song, 128);
    song.tracks[0].sends[0].pre_fader = false;
    let (quiet, _) = render(&song, 128);
    let energy = |x: &[f32]| x[2 * 20_100..2 * 22_000].iter().map(|v| v * v).sum::<f32>();
    assert!(
        energy(&loud) > 100.0 * energy(&quiet),
        "{} vs {}",
        energy(&loud),
        energy(&quiet)
    );
}

fn tutti(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tutti"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn fx_command_applies_a_chain_and_renders_the_tail() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 44_100,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&input, spec).unwrap();
    for i in 0..44_100 {
        w.write_sample(((i as f32 * 0.06).sin() * 20_000.0) as i16)
            .unwrap();
    }
    w.finalize().unwrap();
    let out = dir.path().join("out.wav");
    let (i, o) = (input.to_str().unwrap(), out.to_str().unwrap());
    let run = tutti(&[
        "fx",
        i,
        "-o",
        o,
        "-q",
        "--bits",
        "24",
        "-e",
        "reverb decay_s=1 mix=0.5",
        "-e",
        "gain gain_db=6",
        "-e",
        "limiter ceiling_db=-1",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let reader = hound::WavReader::open(&out).unwrap();
    assert_eq!(reader.spec().sample_rate, 44_100);
    assert_eq!(reader.spec().bits_per_sample, 24);
    let frames = reader.duration() as usize;
    assert!(
        frames > 44_100 + 44_100,
        "the 1 s reverb tail is rendered: {frames} frames"
    );
    let peak = reader
        .into_samples::<i32>()
        .map(|s| s.unwrap().abs())
        .max()
        .unwrap();
    assert!(
        peak as f32 <= 0.8913 * 8_388_608.0 + 1.0,
        "limiter ceiling: {peak}"
    );

    let list = tutti(&["fx", "--list"]);
    let text = String::from_utf8_lossy(&list.stdout);
    for e in tutti::dsp::EFFECTS.iter() {
        assert!(text.contains(e.name), "--list misses {}", e.name);
    }
    assert!(text.contains("ceiling_db") && text.contains("dB"));

    let bad = tutti(&["fx", i, "-o", o, "-e", "convolution ir=missing-room.wav"]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        !bad.status.success() && err.contains("missing-room.wav") && err.lines().count() == 1,
        "{err}"
    );
    let bad = tutti(&["fx", i, "-o", o, "-e", "delay feedback=2"]);
    assert!(String::from_utf8_lossy(&bad.stderr)
        .contains("delay: feedback=2 is out of range (0 to 0.95)"));
}

#[test]
fn an_effect_can_start_bypassed_and_be_enabled_live() {
    let mut plain = TrackSpec::new("a", tone(9600, 0.05));
    let mut bypassed = plain.clone();
    bypassed.effects = vec![EffectSpec::parse("gain gain_db=-20 enabled=false").unwrap()];
    let (a, _) = render(
        &Song {
            tracks: vec![plain.clone()],
            ..Song::default()
        },
        128,
    );
    let (b, _) = render(
        &Song {
            tracks: vec![bypassed.clone()],
            ..Song::default()
        },
        128,
    );
    assert!(a == b, "a bypassed effect changes nothing");

    plain.effects = bypassed.effects.clone();
    let song = Song {
        tracks: vec![plain],
        ..Song::default()
    };
    let config = EngineConfig::default();
    let mut playback = song
        .start(&config, RenderMode::Offline, &PoolConfig::default())
        .unwrap();
    let mut block = vec![0.0f32; 256];
    playback.renderer.process(&mut block);
    let before = block.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let chain = tutti::render::ChainId::Track(0);
    playback
        .handle
        .send(tutti::render::Command::SetEffectEnabled {
            chain,
            slot: 0,
            enabled: true,
        })
        .unwrap();
    let mut peaks = Vec::new();
    for _ in 0..10 {
        playback.renderer.process(&mut block);
        peaks.push(block.iter().fold(0.0f32, |m, v| m.max(v.abs())));
    }
    assert!(
        peaks[0] < before && peaks[0] > 0.1 * before,
        "crossfading: {peaks:?}"
    );
    assert!((peaks[9] / before - 0.1).abs() < 0.01, "enabled: {peaks:?}");
}
