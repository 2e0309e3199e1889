//! The command line: help, info, errors that name the file and exit non-zero, no partial files.

mod common;
use common::*;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs tutti expecting failure with one line on stderr that contains `expect`.
fn fails_with(args: &[&str], expect: &str) {
    let out = tutti(args);
    let err = stderr(&out);
    assert!(!out.status.success(), "tutti {args:?} should fail");
    assert!(
        err.contains(expect),
        "tutti {args:?}: expected '{expect}' in: {err}"
    );
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn help_lists_the_commands() {
    let out = tutti_ok(&["--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in ["mix", "render", "info", "demo"] {
        assert!(text.contains(cmd), "{text}");
    }
    let mix = String::from_utf8_lossy(&tutti_ok(&["mix", "--help"]).stdout).into_owned();
    assert!(
        mix.contains("neither normalised nor clipped") && mix.contains("--gain"),
        "{mix}"
    );
}

#[test]
fn info_json_lists_tracks() {
    let d = temp_dir();
    let path = pb(d.path(), "a.wav");
    write_wav(&path, &test_signal(24_000, 2, 1), 2, 48_000, 24);
    let out = tutti_ok(&["info", "--json", &path.to_string_lossy()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &v["tracks"][0];
    assert_eq!(t["number"], 1);
    assert_eq!(t["rate"], 48_000);
    assert_eq!(t["channels"], 2);
    assert_eq!(t["bits"], 24);
    assert_eq!(t["duration_seconds"], 0.5);
    let text =
        String::from_utf8_lossy(&tutti_ok(&["info", &path.to_string_lossy()]).stdout).into_owned();
    assert!(
        text.contains("track 1: pcm_s24le, 48000 Hz, 2 ch, 24-bit"),
        "{text}"
    );
}

#[test]
fn bad_input_gets_one_line_naming_the_problem() {
    let d = temp_dir();
    let dir = d.path();
    let good = p(dir, "good.wav");
    write_wav(
        &pb(dir, "good.wav"),
        &test_signal(4800, 1, 2),
        1,
        48_000,
        16,
    );
    std::fs::write(pb(dir, "text.wav"), "not audio").unwrap();
    let out = p(dir, "out.wav");
    fails_with(
        &["mix", &p(dir, "missing.wav"), "-o", &out],
        "missing.wav: cannot open",
    );
    fails_with(
        &["mix", &good, &p(dir, "text.wav"), "-o", &out],
        "text.wav: unrecognised or unsupported format",
    );
    fails_with(
        &["mix", &good, "--gain", "2=-3", "-o", &out],
        "only 1 input",
    );
    fails_with(&["mix", &good, "--block", "100", "-o", &out], "block 100");
    fails_with(&["mix", &good, "--rate", "0", "-o", &out], "rate 0");
    fails_with(
        &["mix", &good, "-o", &p(dir, "out.mp3")],
        "unsupported output type",
    );
    let session = |name: &str, body: &str| {
        std::fs::write(pb(dir, name), body).unwrap();
        p(dir, name)
    };
    fails_with(
        &["render", &session("empty.toml", ""), "-o", &out],
        "empty.toml: the session has no [[track]]",
    );
    fails_with(
        &[
            "render",
            &session("key.toml", "[[track]]\nfile = \"good.wav\"\ngian = 2\n"),
            "-o",
            &out,
        ],
        "key.toml:3: unknown field `gian`",
    );
    fails_with(
        &[
            "render",
            &session("pan.toml", "[[track]]\nfile = \"good.wav\"\npan = 3.0\n"),
            "-o",
            &out,
        ],
        "pan 3 is out of range",
    );
    fails_with(
        &[
            "render",
            &session("gone.toml", "[[track]]\nfile = \"gone.wav\"\n"),
            "-o",
            &out,
        ],
        "gone.wav: cannot open",
    );
    fails_with(
        &["render", &p(dir, "nothing.toml"), "-o", &out],
        "nothing.toml: cannot read",
    );
    // Nothing was written, not even a partial file.
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("out"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn corrupt_and_truncated_files_warn_and_keep_sync() {
    if !have_tool("sox", "corrupt_and_truncated_files") {
        return;
    }
    let d = temp_dir();
    let dir = d.path();
    sox_synth(
        &p(dir, "a.flac"),
        "-r 48000 -c 2 -b 16",
        "5 sine 300 vol 0.5",
    );
    let mut bytes = std::fs::read(pb(dir, "a.flac")).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 3000].iter_mut().for_each(|b| *b ^= 0x5a);
    std::fs::write(pb(dir, "corrupt.flac"), &bytes).unwrap();
    let good = std::fs::read(pb(dir, "a.flac")).unwrap();
    std::fs::write(pb(dir, "trunc.flac"), &good[..good.len() / 3]).unwrap();

    let out = tutti_ok(&["mix", &p(dir, "corrupt.flac"), "-o", &p(dir, "c.wav")]);
    assert!(
        stderr(&out).contains("corrupt.flac: corrupt data at"),
        "{}",
        stderr(&out)
    );
    let (samples, _, _) = read_wav(&pb(dir, "c.wav"));
    assert_eq!(
        samples.len(),
        2 * 5 * 48_000,
        "the skipped packets must be replaced by silence"
    );

    let out = tutti_ok(&[
        "mix",
        &p(dir, "trunc.flac"),
        &p(dir, "a.flac"),
        "-o",
        &p(dir, "t.wav"),
    ]);
    assert!(
        stderr(&out).contains("trunc.flac: reading stopped: unexpected end of file (at"),
        "{}",
        stderr(&out)
    );
    let (samples, _, _) = read_wav(&pb(dir, "t.wav"));
    assert_eq!(samples.len(), 2 * 5 * 48_000);
}

#[test]
fn session_renders_with_bus_and_offsets() {
    let d = temp_dir();
    let dir = d.path();
    write_wav(&pb(dir, "a.wav"), &vec![0.25f32; 4800], 1, 48_000, 32);
    write_wav(&pb(dir, "b.wav"), &vec![0.5f32; 9600], 2, 48_000, 32);
    let body = "[engine]\nblock = 64\n[[bus]]\nname = \"x\"\ngain_db = -6.0206\n[[track]]\nfile = \"a.wav\"\nbus = \"x\"\nstart = 0.1\n[[track]]\nfile = \"b.wav\"\nmute = true\n";
    std::fs::write(pb(dir, "s.toml"), body).unwrap();
    tutti_ok(&["render", &p(dir, "s.toml"), "-o", &p(dir, "out.wav"), "-q"]);
    let (samples, _, _) = read_wav(&pb(dir, "out.wav"));
    assert_eq!(samples.len(), 2 * 9600);
    assert_eq!(samples[2 * 4799], 0.0);
    assert!((samples[2 * 4800] - 0.125).abs() < 1e-6);
}

#[test]
fn integer_outputs_clip_and_dither() {
    let d = temp_dir();
    let dir = d.path();
    write_wav(
        &pb(dir, "hot.wav"),
        &[0.9, -0.9, 0.9, -0.9, 0.0, 0.0],
        1,
        48_000,
        32,
    );
    tutti_ok(&[
        "mix",
        &p(dir, "hot.wav"),
        &p(dir, "hot.wav"),
        "--bits",
        "16",
        "-o",
        &p(dir, "o16.wav"),
        "-q",
    ]);
    tutti_ok(&[
        "mix",
        &p(dir, "hot.wav"),
        &p(dir, "hot.wav"),
        "--bits",
        "24",
        "-o",
        &p(dir, "o24.wav"),
        "-q",
    ]);
    let r16: Vec<i32> = hound::WavReader::open(pb(dir, "o16.wav"))
        .unwrap()
        .samples::<i32>()
        .map(Result::unwrap)
        .collect();
    let r24: Vec<i32> = hound::WavReader::open(pb(dir, "o24.wav"))
        .unwrap()
        .samples::<i32>()
        .map(Result::unwrap)
        .collect();
    assert_eq!(&r16[..4], &[32767, 32767, -32768, -32768]);
    assert_eq!(&r24[..4], &[8_388_607, 8_388_607, -8_388_608, -8_388_608]);
    // Silence dithered to 16 bits stays within ±1 LSB.
    assert!(r16[8..].iter().all(|s| s.abs() <= 1));
}

#[test]
fn demo_renders_without_input_files() {
    let d = temp_dir();
    let out = p(d.path(), "demo.wav");
    let run = tutti_ok(&["demo", "-o", &out]);
    assert!(stderr(&run).contains("wrote"), "{}", stderr(&run));
    let (samples, channels, rate) = read_wav(&pb(d.path(), "demo.wav"));
    assert_eq!((channels, rate), (2, 48_000));
    assert_eq!(samples.len(), 2 * 16 * 48_000);
    let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    assert!(peak > 0.1 && peak < 1.0, "peak {peak}");
}
