//! Decoding against ffmpeg: lossless formats bit for bit, lossy ones within −90 dB.

mod common;
use common::*;
use std::path::Path;

/// ffmpeg's decode of `path` as interleaved f32 in the file's own channels and rate.
fn ffmpeg_decode(path: &Path) -> Vec<f32> {
    let raw = path.with_extension("ref.f32");
    run(
        "ffmpeg",
        &[
            "-loglevel",
            "error",
            "-y",
            "-i",
            &path.to_string_lossy(),
            "-f",
            "f32le",
            "-c:a",
            "pcm_f32le",
            &raw.to_string_lossy(),
        ],
    );
    std::fs::read(&raw)
        .unwrap()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// A 3-second stereo 48 kHz source made by sox, stored as a float WAV for ffmpeg to encode.
fn make_source(dir: &Path) -> String {
    let src = p(dir, "src.wav");
    sox_synth(
        &src,
        "-r 48000 -c 2 -b 24",
        "3 sine 440 sine 1234 vol 0.5 fade 0.01 3 0.01",
    );
    src
}

fn encode(src: &str, out: &str, args: &[&str]) {
    let mut all = vec!["-loglevel", "error", "-y", "-i", src];
    all.extend_from_slice(args);
    all.push(out);
    run("ffmpeg", &all);
}

#[test]
fn lossless_formats_match_ffmpeg_bit_for_bit() {
    if !have_tool("sox", "lossless_formats") || !have_tool("ffmpeg", "lossless_formats") {
        return;
    }
    let d = temp_dir();
    let dir = d.path();
    let src = make_source(dir);
    let cases: &[(&str, &[&str])] = &[
        ("s16.wav", &["-c:a", "pcm_s16le"]),
        ("s24.wav", &["-c:a", "pcm_s24le"]),
        ("f32.wav", &["-c:a", "pcm_f32le"]),
        ("mono16.wav", &["-ac", "1", "-c:a", "pcm_s16le"]),
        ("s16.aiff", &["-c:a", "pcm_s16be"]),
        ("s24.aiff", &["-c:a", "pcm_s24be"]),
        ("s16.flac", &["-sample_fmt", "s16", "-c:a", "flac"]),
        (
            "s24.flac",
            &[
                "-sample_fmt",
                "s32",
                "-bits_per_raw_sample",
                "24",
                "-c:a",
                "flac",
            ],
        ),
    ];
    for (name, args) in cases {
        let path = dir.join(name);
        encode(&src, &p(dir, name), args);
        let (ours, _, _) = tutti::source::decode_file(&path, None).unwrap();
        let theirs = ffmpeg_decode(&path);
        assert_eq!(ours.len(), theirs.len(), "{name}: length");
        let differing = ours
            .iter()
            .zip(&theirs)
            .filter(|(a, b)| a.to_bits() != b.to_bits())
            .count();
        assert_eq!(
            differing, 0,
            "{name}: {differing} samples differ from ffmpeg"
        );
        eprintln!("{name}: {} samples identical to ffmpeg", ours.len());
    }
}

#[test]
fn lossy_formats_match_ffmpeg_within_90_db() {
    if !have_tool("sox", "lossy_formats") || !have_tool("ffmpeg", "lossy_formats") {
        return;
    }
    let d = temp_dir();
    let dir = d.path();
    let src = make_source(dir);
    let cases: &[(&str, &[&str])] = &[
        ("a.mp3", &["-c:a", "libmp3lame", "-b:a", "192k"]),
        ("a.ogg", &["-c:a", "libvorbis", "-q:a", "5"]),
        ("a.m4a", &["-c:a", "aac", "-b:a", "192k"]),
    ];
    for (name, args) in cases {
        let path = dir.join(name);
        encode(&src, &p(dir, name), args);
        let (ours, _, _) = tutti::source::decode_file(&path, None).unwrap();
        let theirs = ffmpeg_decode(&path);
        let snr = snr_db(&theirs, &ours);
        eprintln!(
            "{name}: {} vs {} samples, error {:.1} dB relative to ffmpeg",
            ours.len(),
            theirs.len(),
            -snr
        );
        if name.ends_with(".m4a") {
            // The edit list is applied at both ends, so tutti gives exactly the source's frames;
            // ffmpeg trims the priming but keeps the last packet's padding.
            assert_eq!(
                ours.len(),
                2 * 3 * 48_000,
                "{name}: the edit list was not applied"
            );
        } else {
            assert_eq!(
                ours.len(),
                theirs.len(),
                "{name}: length differs from ffmpeg"
            );
        }
        assert!(snr >= 90.0, "{name}: error {:.1} dB > -90 dB", -snr);
    }
}
