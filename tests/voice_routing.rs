//! Voices reach the mix like a track: through `[voices]`'s fader, sends and bus.

mod common;
use common::*;

const EVENT: &str =
    "[[event]]\nat = 0.01\nsynth = \"sine\"\nfreq = 440.0\nlength = 0.3\ngain = 0.5\n";

fn render(dir: &std::path::Path, name: &str, body: &str) -> Vec<f32> {
    std::fs::write(pb(dir, &format!("{name}.toml")), body).unwrap();
    tutti_ok(&[
        "render",
        &p(dir, &format!("{name}.toml")),
        "-o",
        &p(dir, &format!("{name}.wav")),
        "-q",
    ]);
    read_wav(&pb(dir, &format!("{name}.wav"))).0
}

#[test]
fn voices_have_a_fader_sends_and_a_bus() {
    let d = temp_dir();
    let dir = d.path();
    let direct = render(dir, "direct", EVENT);
    assert!(direct.iter().any(|s| s.abs() > 0.1), "the voice is silent");
    let half = |x: &[f32]| x.iter().map(|s| s * 0.5).collect::<Vec<f32>>();
    // A fader at -6 dB halves the voices.
    let faded = render(
        dir,
        "faded",
        &format!("{EVENT}[voices]\ngain_db = -6.0206\n"),
    );
    assert!(max_abs_diff(&faded, &half(&direct)) < 1e-5);
    // Muted, but a pre-fader send to a bus at -6 dB still carries them.
    let sent = render(
        dir,
        "sent",
        &format!("{EVENT}[[bus]]\nname = \"fx\"\ngain_db = -6.0206\n[voices]\nmute = true\nsends = [{{ bus = \"fx\", pre = true }}]\n"),
    );
    assert_eq!(sent.len(), direct.len());
    assert!(max_abs_diff(&sent, &half(&direct)) < 1e-5);
    // Routed to a bus at -6 dB.
    let bused = render(
        dir,
        "bused",
        &format!("{EVENT}[[bus]]\nname = \"b\"\ngain_db = -6.0206\n[voices]\nbus = \"b\"\n"),
    );
    assert!(max_abs_diff(&bused, &half(&direct)) < 1e-5);
    // An unknown bus is an error naming it.
    std::fs::write(
        pb(dir, "bad.toml"),
        format!("{EVENT}[voices]\nbus = \"nope\"\n"),
    )
    .unwrap();
    let out = tutti(&["render", &p(dir, "bad.toml"), "-o", &p(dir, "bad.wav")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("[voices]: unknown bus 'nope'"));
}
