//! Matroska songs: mixing a container equals mixing its tracks from separate files; badly
//! interleaved containers render completely in bounded memory; seeds pick takes reproducibly;
//! switches crossfade with equal power; embedded sessions; clear errors.

mod common;
use common::*;

use std::path::{Path, PathBuf};

use tutti::mixer::Channel;
use tutti::output::{render_offline, BlockSink, OutputError};
use tutti::render::{EngineConfig, Playback, RenderMode, Song, TrackSpec};
use tutti::source::packets::QUEUE_PACKETS;
use tutti::source::{PoolConfig, SourceSpec};

struct Collect(Vec<f32>);

impl BlockSink for Collect {
    fn write_block(&mut self, b: &[f32]) -> Result<(), OutputError> {
        self.0.extend_from_slice(b);
        Ok(())
    }
}

fn render_with(song: &Song, pool: &PoolConfig) -> (Vec<f32>, Playback) {
    let mut playback = song
        .start(&EngineConfig::default(), RenderMode::Offline, pool)
        .unwrap();
    let mut sink = Collect(Vec::new());
    render_offline(&mut playback.renderer, &mut sink, &mut |_| {}).unwrap();
    (sink.0, playback)
}

fn song_of(sources: Vec<SourceSpec>) -> Song {
    Song {
        tracks: sources
            .into_iter()
            .map(|s| TrackSpec::new("t", s))
            .collect(),
        ..Song::default()
    }
}

fn identical(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// Four stems (FLAC and WAV, mono and stereo) and a 4-track .mka of them made by ffmpeg.
fn four_track_song(dir: &Path) -> (Vec<String>, String) {
    let stems = vec![
        p(dir, "bass.flac"),
        p(dir, "drums.wav"),
        p(dir, "keys.flac"),
        p(dir, "vox.wav"),
    ];
    sox_synth(&stems[0], "-r 48000 -c 2 -b 24", "3 sine 55 vol 0.3");
    sox_synth(&stems[1], "-r 48000 -c 2 -b 16", "2.5 pinknoise vol 0.2");
    sox_synth(&stems[2], "-r 48000 -c 1 -b 16", "3.2 square 220 vol 0.1");
    sox_synth(&stems[3], "-r 48000 -c 2 -b 16", "2 sine 440 vol 0.2");
    let mka = p(dir, "song.mka");
    let mut args: Vec<String> = ["-loglevel", "error", "-y"].map(String::from).to_vec();
    for s in &stems {
        args.extend(["-i".into(), s.clone()]);
    }
    for i in 0..4 {
        args.extend(["-map".into(), i.to_string()]);
    }
    args.extend(["-c:a".into(), "flac".into(), mka.clone()]);
    run(
        "ffmpeg",
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    (stems, mka)
}

#[test]
fn container_mix_equals_mix_of_its_source_files() {
    if !have_tool("sox", "container_mix") || !have_tool("ffmpeg", "container_mix") {
        return;
    }
    let d = temp_dir();
    let dir = d.path();
    let (stems, mka) = four_track_song(dir);
    tutti_ok(&["mix", &mka, "-o", &p(dir, "container.wav"), "-q"]);
    let mut args = vec!["mix"];
    args.extend(stems.iter().map(String::as_str));
    args.extend(["-o", &p(dir, "files.wav") as &str, "-q"]);
    let files_out = p(dir, "files.wav");
    tutti_ok(
        &[
            &["mix"],
            &stems.iter().map(String::as_str).collect::<Vec<_>>()[..],
            &["-o", &files_out, "-q"],
        ]
        .concat(),
    );
    let (a, _, _) = read_wav(&pb(dir, "container.wav"));
    let (b, _, _) = read_wav(&pb(dir, "files.wav"));
    assert_eq!(a.len(), b.len());
    assert!(
        max_abs_diff(&a, &b) <= 1e-5,
        "max abs error {}",
        max_abs_diff(&a, &b)
    );

    let sel = p(dir, "sel.wav");
    tutti_ok(&["mix", &mka, "--tracks", "2,4", "-o", &sel, "-q"]);
    let files24 = p(dir, "files24.wav");
    tutti_ok(&["mix", &stems[1], &stems[3], "-o", &files24, "-q"]);
    let (a, _, _) = read_wav(&pb(dir, "sel.wav"));
    let (b, _, _) = read_wav(&pb(dir, "files24.wav"));
    assert_eq!(a.len(), b.len());
    assert!(max_abs_diff(&a, &b) <= 1e-5);

    let info = tutti_ok(&["info", "--json", &mka]);
    let v: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(v["tracks"].as_array().unwrap().len(), 4);
    assert_eq!(v["tracks"][2]["channels"], 1);
}

/// A minimal Matroska writer for the pathological layouts ffmpeg will not produce.
mod mkv {
    fn element(id: &[u8], body: &[u8]) -> Vec<u8> {
        let mut v = id.to_vec();
        v.push(0x01);
        v.extend_from_slice(&(body.len() as u64).to_be_bytes()[1..]);
        v.extend_from_slice(body);
        v
    }

    fn uint(id: &[u8], value: u64) -> Vec<u8> {
        element(id, &value.to_be_bytes())
    }

    /// Tracks of 16-bit stereo PCM at 48 kHz; `order` lists (track, packet index) in file order.
    pub fn write(
        tracks: &[Vec<i16>],
        frames_per_packet: &[usize],
        order: &[(usize, usize)],
    ) -> Vec<u8> {
        let header = [
            uint(&[0x42, 0x86], 1),
            uint(&[0x42, 0xF7], 1),
            uint(&[0x42, 0xF2], 4),
            uint(&[0x42, 0xF3], 8),
            element(&[0x42, 0x82], b"matroska"),
            uint(&[0x42, 0x87], 4),
            uint(&[0x42, 0x85], 2),
        ]
        .concat();
        let mut segment = element(
            &[0x15, 0x49, 0xA9, 0x66],
            &[
                uint(&[0x2A, 0xD7, 0xB1], 1_000_000),
                element(&[0x4D, 0x80], b"t"),
                element(&[0x57, 0x41], b"t"),
            ]
            .concat(),
        );
        let entries: Vec<u8> = (0..tracks.len())
            .flat_map(|t| {
                let audio = element(
                    &[0xE1],
                    &[
                        element(&[0xB5], &48_000f64.to_be_bytes()),
                        uint(&[0x9F], 2),
                        uint(&[0x62, 0x64], 16),
                    ]
                    .concat(),
                );
                element(
                    &[0xAE],
                    &[
                        uint(&[0xD7], t as u64 + 1),
                        uint(&[0x73, 0xC5], t as u64 + 1),
                        uint(&[0x83], 2),
                        element(&[0x86], b"A_PCM/INT/LIT"),
                        audio,
                    ]
                    .concat(),
                )
            })
            .collect();
        segment.extend(element(&[0x16, 0x54, 0xAE, 0x6B], &entries));
        for &(t, i) in order {
            let n = frames_per_packet[t];
            let start_frame = i * n;
            let ms = (start_frame as u64 * 1000) / 48_000;
            let samples = &tracks[t][2 * start_frame..(2 * (start_frame + n)).min(tracks[t].len())];
            let mut block = vec![0x81 + t as u8, 0, 0, 0x80];
            block.extend(samples.iter().flat_map(|s| s.to_le_bytes()));
            segment.extend(element(
                &[0x1F, 0x43, 0xB6, 0x75],
                &[uint(&[0xE7], ms), element(&[0xA3], &block)].concat(),
            ));
        }
        [
            element(&[0x1A, 0x45, 0xDF, 0xA3], &header),
            element(&[0x18, 0x53, 0x80, 0x67], &segment),
        ]
        .concat()
    }
}

/// Writes tracks both as one pathological .mka and as separate WAVs; checks that the container
/// renders byte-identically to the files, and within the stated memory bounds.
fn check_pathological(
    dir: &Path,
    name: &str,
    frames_per_packet: &[usize],
    order: impl Fn(&[usize]) -> Vec<(usize, usize)>,
) {
    let seconds = 3;
    let tracks: Vec<Vec<i16>> = (0..frames_per_packet.len())
        .map(|t| {
            test_signal(48_000 * seconds, 2, t as u32 + 7)
                .iter()
                .map(|s| (s * 32767.0) as i16)
                .collect()
        })
        .collect();
    let packets: Vec<usize> = frames_per_packet
        .iter()
        .map(|n| (48_000 * seconds).div_ceil(*n))
        .collect();
    let mka = dir.join(format!("{name}.mka"));
    std::fs::write(
        &mka,
        mkv::write(&tracks, frames_per_packet, &order(&packets)),
    )
    .unwrap();
    let mut files = Vec::new();
    for (t, samples) in tracks.iter().enumerate() {
        let path = dir.join(format!("{name}{t}.wav"));
        let f: Vec<f32> = samples.iter().map(|s| *s as f32 / 32768.0).collect();
        write_wav(&path, &f, 2, 48_000, 32);
        files.push(SourceSpec::File(path));
    }
    let pool = PoolConfig {
        ring_frames: 4096,
        ..PoolConfig::default()
    };
    let from_mka: Vec<SourceSpec> = (1..=tracks.len())
        .map(|number| SourceSpec::Track {
            path: mka.clone(),
            number,
        })
        .collect();
    let (out, playback) = render_with(&song_of(from_mka), &pool);
    let (reference, _) = render_with(&song_of(files), &pool);
    assert_eq!(out.len(), reference.len(), "{name}: length");
    assert!(
        identical(&out, &reference),
        "{name}: the container's mix differs from the files' mix"
    );
    // Bounds: each ring holds at most 4096 frames plus one decoded packet waiting; the shared
    // demuxer queues at most QUEUE_PACKETS packets per track.
    let largest_packet = *frames_per_packet.iter().max().unwrap();
    let peak = playback.pool.peak_buffered_frames();
    assert!(
        peak <= 4096 + largest_packet,
        "{name}: {peak} frames buffered in one track"
    );
    let queued = playback.demux_peaks[0].load(std::sync::atomic::Ordering::Relaxed);
    assert!(queued <= QUEUE_PACKETS, "{name}: {queued} packets queued");
    eprintln!("{name}: identical; peak {peak} frames buffered per track, {queued} packets queued");
}

#[test]
fn one_track_long_before_the_others_renders_completely_and_identically() {
    let d = temp_dir();
    // Every packet of track 1, then every packet of track 2, then of track 3.
    check_pathological(d.path(), "sequential", &[1024, 1024, 1024], |packets| {
        (0..packets.len())
            .flat_map(|t| (0..packets[t]).map(move |i| (t, i)))
            .collect()
    });
}

#[test]
fn very_different_packet_durations_render_completely_and_identically() {
    let d = temp_dir();
    // 16384-frame packets beside 64-frame packets, interleaved by time as a muxer would.
    check_pathological(d.path(), "durations", &[16_384, 64], |packets| {
        let mut order: Vec<(usize, usize, usize)> = Vec::new();
        for (t, (&n, size)) in packets.iter().zip([16_384, 64]).enumerate() {
            order.extend((0..n).map(|i| (i * size, t, i)));
        }
        order.sort();
        order.into_iter().map(|(_, t, i)| (t, i)).collect()
    });
}

/// A session with one part of three DC takes (0.5, -0.25, 0.125) switching at 1 s and 2 s.
fn takes_session(dir: &Path) -> PathBuf {
    for (name, value) in [("t1", 0.5f32), ("t2", -0.25), ("t3", 0.125)] {
        write_wav(
            &dir.join(format!("{name}.wav")),
            &vec![value; 48_000 * 3],
            1,
            48_000,
            32,
        );
    }
    let body = "[[part]]\nname = \"lead\"\ntakes = [{ file = \"t1.wav\" }, { file = \"t2.wav\" }, { file = \"t3.wav\" }]\nswitch_at = [\"0:01\", 2.0]\ncrossfade_ms = 10\n";
    let path = dir.join("takes.toml");
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn seeds_pick_takes_reproducibly_and_switches_crossfade_with_equal_power() {
    let d = temp_dir();
    let session = tutti::session::Session::load(&takes_session(d.path())).unwrap();
    let render_seed = |seed| render_with(&session.to_song(seed).unwrap(), &PoolConfig::default()).0;
    let a = render_seed(7);
    assert!(
        identical(&a, &render_seed(7)),
        "the same seed gave different bytes"
    );
    let plans = |seed| {
        tutti::session::plan_takes(&session.parts, seed)[0]
            .segments
            .iter()
            .map(|s| s.1)
            .collect::<Vec<_>>()
    };
    let other = (8..100).find(|&s| plans(s) != plans(7)).unwrap();
    assert!(
        !identical(&a, &render_seed(other)),
        "seeds picking different takes gave the same output"
    );
    // Find a seed that really switches at both points, and check the crossfades sample by sample.
    let seed = (0..1000)
        .find(|&s| plans(s).windows(2).all(|w| w[0] != w[1]))
        .unwrap();
    let picks = plans(seed);
    let out = render_seed(seed);
    let level = [0.5f32, -0.25, 0.125];
    let fade = 480; // 10 ms at 48 kHz
    for (switch, pair) in [48_000usize, 96_000].iter().zip(picks.windows(2)) {
        let (from, to) = (level[pair[0]], level[pair[1]]);
        for k in switch - 5..switch + fade + 5 {
            let x = (k as f32 - *switch as f32).clamp(0.0, fade as f32) / fade as f32
                * std::f32::consts::FRAC_PI_2;
            let expected = from * x.cos() + to * x.sin();
            assert!(
                (out[2 * k] - expected).abs() < 1e-6,
                "frame {k}: {} vs {expected}",
                out[2 * k]
            );
        }
    }
    let listed = tutti_ok(&[
        "render",
        &p(d.path(), "takes.toml"),
        "--seed",
        &seed.to_string(),
        "--list-takes",
    ]);
    let text = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.contains(&format!("lead: 0:01.000 - 0:02.000: take {}", picks[1] + 1)),
        "{text}"
    );
}

#[test]
fn embedded_session_is_used_unless_told_otherwise() {
    if !have_tool("sox", "embedded_session") || !have_tool("ffmpeg", "embedded_session") {
        return;
    }
    let d = temp_dir();
    let dir = d.path();
    let (stems, _) = four_track_song(dir);
    std::fs::write(
        pb(dir, "song.toml"),
        "[[track]]\ntrack = 2\ngain_db = -6.0206\n[[track]]\ntrack = 3\nmute = true\n",
    )
    .unwrap();
    let packed = p(dir, "packed.mka");
    tutti_ok(
        &[
            &["pack"],
            &stems.iter().map(String::as_str).collect::<Vec<_>>()[..],
            &["--session", &p(dir, "song.toml"), "-o", &packed],
        ]
        .concat(),
    );
    let info = String::from_utf8_lossy(&tutti_ok(&["info", &packed]).stdout).into_owned();
    assert!(
        info.contains("attachment: tutti.toml") && info.contains("\"bass\""),
        "{info}"
    );
    for cmd in ["render", "mix"] {
        let out = p(dir, &format!("{cmd}.wav"));
        tutti_ok(&[cmd, &packed, "-o", &out, "-q"]);
        let (session_mix, _, _) = read_wav(Path::new(&out));
        let (drums, _, _) = read_wav(&pb(dir, "drums.wav"));
        // Only track 2 (drums) at -6 dB: 0.5 of the drums stem; the muted 3.2 s track 3 still
        // sets the length, silently.
        assert_eq!(session_mix.len(), 2 * 48_000 * 32 / 10);
        let err = session_mix
            .iter()
            .zip(drums.iter().chain(std::iter::repeat(&0.0)))
            .map(|(a, b)| (a - 0.5 * b).abs())
            .fold(0.0f32, f32::max);
        assert!(err < 1e-6, "{cmd}: {err}");
    }
    tutti_ok(&[
        "mix",
        &packed,
        "--no-session",
        "-o",
        &p(dir, "all.wav"),
        "-q",
    ]);
    let (all, _, _) = read_wav(&pb(dir, "all.wav"));
    assert_eq!(
        all.len(),
        2 * 48_000 * 32 / 10,
        "all four tracks, the longest 3.2 s"
    );
}

#[test]
fn container_errors_are_clear() {
    if !have_tool("sox", "container_errors") || !have_tool("ffmpeg", "container_errors") {
        return;
    }
    let d = temp_dir();
    let dir = d.path();
    let (_, mka) = four_track_song(dir);
    let fails = |args: &[&str], expect: &str| {
        let out = tutti(args);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !out.status.success() && err.contains(expect),
            "{args:?}: {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    };
    let out = p(dir, "o.wav");
    fails(
        &["mix", &mka, "--tracks", "2,9", "-o", &out],
        "song.mka: track 9 does not exist (the file has 4 tracks)",
    );
    std::fs::write(
        pb(dir, "bad.toml"),
        "[[part]]\nname = \"x\"\ntakes = [{ file = \"song.mka\", track = 7 }]\n",
    )
    .unwrap();
    fails(
        &["render", &p(dir, "bad.toml"), "--seed", "1", "-o", &out],
        "part 'x' take 1: track 7 does not exist",
    );
    // A video-only Matroska file has no audio track.
    run(
        "ffmpeg",
        &[
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=32x32:rate=5",
            "-t",
            "1",
            "-c:v",
            "ffv1",
            &p(dir, "video.mkv"),
        ],
    );
    fails(
        &["mix", &p(dir, "video.mkv"), "-o", &out],
        "video.mkv: no audio track",
    );
    // An Opus track (symphonia has no Opus decoder) is named.
    run(
        "ffmpeg",
        &[
            "-loglevel",
            "error",
            "-y",
            "-i",
            &p(dir, "bass.flac"),
            "-i",
            &p(dir, "vox.wav"),
            "-map",
            "0",
            "-map",
            "1",
            "-c:a:0",
            "flac",
            "-c:a:1",
            "libopus",
            &p(dir, "opus.mka"),
        ],
    );
    fails(
        &["mix", &p(dir, "opus.mka"), "-o", &out],
        "opus.mka: track 2: unsupported codec",
    );
    // A truncated container: the render completes and reports the tracks that ended early.
    let bytes = std::fs::read(&mka).unwrap();
    std::fs::write(pb(dir, "cut.mka"), &bytes[..bytes.len() * 6 / 10]).unwrap();
    let run_cut = tutti_ok(&["mix", &p(dir, "cut.mka"), "-o", &out]);
    let err = String::from_utf8_lossy(&run_cut.stderr).into_owned();
    assert!(
        err.contains("warning: ") && err.contains("cut.mka"),
        "{err}"
    );
}

#[test]
fn pool_copes_with_same_track_twice() {
    if !have_tool("sox", "same_track_twice") || !have_tool("ffmpeg", "same_track_twice") {
        return;
    }
    let d = temp_dir();
    let (_, mka) = four_track_song(d.path());
    let path = PathBuf::from(&mka);
    let twice = song_of(vec![
        SourceSpec::Track {
            path: path.clone(),
            number: 2,
        },
        SourceSpec::Track {
            path: path.clone(),
            number: 2,
        },
    ]);
    let once = Song {
        tracks: vec![TrackSpec {
            channel: Channel {
                gain_db: 6.0206,
                ..Channel::default()
            },
            ..TrackSpec::new("t", SourceSpec::Track { path, number: 2 })
        }],
        ..Song::default()
    };
    let (a, _) = render_with(&twice, &PoolConfig::default());
    let (b, _) = render_with(&once, &PoolConfig::default());
    assert!(max_abs_diff(&a, &b) < 1e-5);
}
