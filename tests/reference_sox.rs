//! Null tests against sox: `tutti mix` must equal `sox -m -v 1` of the same stems.
//! Tolerances: 1e-5 maximum absolute error at the engine rate; ≥ 90 dB SNR for a resampled stem
//! against sox's `rate -v`.

mod common;
use common::*;

#[test]
fn mix_equals_sox_mix_within_1e5() {
    if !have_tool("sox", "mix_equals_sox_mix") || !have_tool("ffmpeg", "mix_equals_sox_mix") {
        return;
    }
    let d = temp_dir();
    let dir = d.path();
    // Mono 16-bit WAV, stereo 24-bit FLAC, stereo Ogg Vorbis, stereo 16-bit WAV with a later end.
    sox_synth(
        &p(dir, "mono.wav"),
        "-r 48000 -c 1 -b 16",
        "3 sine 440 vol 0.3",
    );
    sox_synth(
        &p(dir, "stereo.flac"),
        "-r 48000 -c 2 -b 24",
        "3.5 sine 660 sine 770 vol 0.3",
    );
    sox_synth(
        &p(dir, "noise.ogg"),
        "-r 48000 -c 2",
        "2.5 pinknoise vol 0.2",
    );
    sox_synth(
        &p(dir, "saw.wav"),
        "-r 48000 -c 2 -b 16",
        "4.01 sawtooth 55 vol 0.2",
    );
    // Ogg: the reference is ffmpeg's decode of the same file (sox and tutti use different decoders).
    run(
        "ffmpeg",
        &[
            "-loglevel",
            "error",
            "-y",
            "-i",
            &p(dir, "noise.ogg"),
            "-c:a",
            "pcm_f32le",
            &p(dir, "noise_ref.wav"),
        ],
    );
    let mono_as_stereo = format!("|sox {} -p remix 1 1", p(dir, "mono.wav"));
    run(
        "sox",
        &[
            "-m",
            "-v",
            "1",
            &mono_as_stereo,
            "-v",
            "1",
            &p(dir, "stereo.flac"),
            "-v",
            "1",
            &p(dir, "noise_ref.wav"),
            "-v",
            "1",
            &p(dir, "saw.wav"),
            "-e",
            "floating-point",
            "-b",
            "32",
            &p(dir, "ref.wav"),
        ],
    );
    tutti_ok(&[
        "mix",
        &p(dir, "mono.wav"),
        &p(dir, "stereo.flac"),
        &p(dir, "noise.ogg"),
        &p(dir, "saw.wav"),
        "-o",
        &p(dir, "out.wav"),
        "-q",
    ]);
    let (reference, _, _) = read_wav(&pb(dir, "ref.wav"));
    let (out, channels, rate) = read_wav(&pb(dir, "out.wav"));
    assert_eq!((channels, rate), (2, 48_000));
    assert_eq!(out.len(), reference.len(), "length differs from sox");
    let err = max_abs_diff(&out, &reference);
    eprintln!("null test against sox -m: max abs error {err:e}");
    assert!(err <= 1e-5, "max abs error {err} > 1e-5");
}

#[test]
fn gain_option_matches_sox_volume() {
    if !have_tool("sox", "gain_option_matches_sox_volume") {
        return;
    }
    let d = temp_dir();
    let dir = d.path();
    sox_synth(
        &p(dir, "a.flac"),
        "-r 48000 -c 2 -b 24",
        "2 sine 300 vol 0.4",
    );
    sox_synth(
        &p(dir, "b.wav"),
        "-r 48000 -c 2 -b 16",
        "2 sine 500 vol 0.4",
    );
    // -6 dB on input 2 = a linear factor of 10^(-6/20).
    let factor = format!("{}", 10f64.powf(-6.0 / 20.0));
    run(
        "sox",
        &[
            "-m",
            "-v",
            "1",
            &p(dir, "a.flac"),
            "-v",
            &factor,
            &p(dir, "b.wav"),
            "-e",
            "floating-point",
            "-b",
            "32",
            &p(dir, "ref.wav"),
        ],
    );
    tutti_ok(&[
        "mix",
        &p(dir, "a.flac"),
        &p(dir, "b.wav"),
        "--gain",
        "2=-6",
        "-o",
        &p(dir, "out.wav"),
        "-q",
    ]);
    let (reference, _, _) = read_wav(&pb(dir, "ref.wav"));
    let (out, _, _) = read_wav(&pb(dir, "out.wav"));
    assert_eq!(out.len(), reference.len());
    let err = max_abs_diff(&out, &reference);
    assert!(err <= 1e-5, "max abs error {err} > 1e-5");
}

#[test]
fn resampled_stem_matches_sox_rate_v_at_90_db() {
    if !have_tool("sox", "resampled_stem_matches_sox_rate_v") {
        return;
    }
    let d = temp_dir();
    let dir = d.path();
    for (rate, name) in [("44100", "a44.wav"), ("96000", "a96.flac")] {
        run(
            "sox",
            &[
                "-n",
                "-r",
                rate,
                "-c",
                "2",
                "-b",
                "24",
                &p(dir, name),
                "synth",
                "3",
                "sine",
                "997",
                "sine",
                "5003",
                "vol",
                "0.4",
            ],
        );
        run(
            "sox",
            &[
                &p(dir, name),
                "-e",
                "floating-point",
                "-b",
                "32",
                &p(dir, "ref.wav"),
                "rate",
                "-v",
                "48000",
            ],
        );
        tutti_ok(&["mix", &p(dir, name), "-o", &p(dir, "out.wav"), "-q"]);
        let (reference, _, _) = read_wav(&pb(dir, "ref.wav"));
        let (out, _, rate_out) = read_wav(&pb(dir, "out.wav"));
        assert_eq!(rate_out, 48_000);
        assert!(
            out.len().abs_diff(reference.len()) <= 2,
            "{name}: {} vs {} samples",
            out.len(),
            reference.len()
        );
        // Leave out the first and last 50 ms, where the two filters' edge transients differ.
        let edge = 2 * 2400;
        let n = out.len().min(reference.len()) - edge;
        let snr = snr_db(&reference[edge..n], &out[edge..n]);
        eprintln!("{name} → 48 kHz against sox rate -v: SNR {snr:.1} dB");
        assert!(snr >= 90.0, "{name}: SNR {snr:.1} dB < 90 dB");
    }
}
