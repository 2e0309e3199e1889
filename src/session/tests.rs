use super::*;

fn parse(text: &str) -> Result<Session, SessionError> {
    Session::parse(text, Path::new("/songs/song.toml"))
}

#[test]
fn full_session_becomes_a_song() {
    let s = parse(
        r#"
[engine]
rate = 44100
block = 256
[[bus]]
name = "drums"
gain_db = -3
[[track]]
file = "kick.wav"
bus = "drums"
start = "0:01.5"
[[track]]
file = "bass.flac"
name = "Bass"
pan = -0.5
"#,
    )
    .unwrap();
    assert_eq!(s.engine_config().rate, 44100);
    let song = s.to_song();
    assert_eq!(song.tracks[0].name, "kick");
    assert_eq!(song.tracks[0].bus, Some(0));
    assert_eq!(song.tracks[0].start_seconds, 1.5);
    assert_eq!(song.tracks[1].channel.pan, -0.5);
    assert!(
        matches!(&song.tracks[1].source, crate::source::SourceSpec::File(p) if p == Path::new("/songs/bass.flac"))
    );
}

#[test]
fn unknown_key_names_key_and_line() {
    let err = parse("[[track]]\nfile = \"a.wav\"\n\n[[track]]\nfile = \"b.wav\"\ngian = 3\n")
        .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("/songs/song.toml:6: "), "{text}");
    assert!(
        text.contains("gian") && text.contains("[[track]] #2"),
        "{text}"
    );
}

#[test]
fn bad_values_are_rejected() {
    for (body, expect) in [
        ("[[track]]\nfile=\"a.wav\"\npan = 3.0", "pan 3"),
        (
            "[engine]\nblock = 100\n[[track]]\nfile=\"a.wav\"",
            "block 100",
        ),
        ("[engine]\nrate = 0\n[[track]]\nfile=\"a.wav\"", "rate 0"),
        (
            "[[track]]\nfile=\"a.wav\"\nbus = \"nope\"",
            "unknown bus 'nope'",
        ),
        ("", "no [[track]]"),
        ("[[track]]\nfile=\"a.wav\"\nstart = \"1:99\"", "not a time"),
    ] {
        let err = parse(body).unwrap_err().to_string();
        assert!(err.contains(expect), "{body:?} gave {err}");
        assert!(!err.contains('\n'), "one line: {err}");
    }
}
