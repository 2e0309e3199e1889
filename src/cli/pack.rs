//! `tutti pack`: stems and a session into one Matroska song, written by ffmpeg (no mature
//! pure-Rust Matroska muxer writes FLAC tracks with attachments).
//!
//! The command it runs, for stems `a.wav b.flac` and a session `song.toml`:
//!
//! ```text
//! ffmpeg -i a.wav -i b.flac -map 0:a:0 -map 1:a:0 -c:a flac \
//!   -metadata:s:a:0 title=a -metadata:s:a:1 title=b \
//!   -attach song.toml -metadata:s:t mimetype=application/toml -metadata:s:t filename=tutti.toml \
//!   song.mka
//! ```

use std::path::Path;
use std::process::Command;

use tutti::session::{Session, EMBEDDED_NAME};

use super::{CliError, PackArgs};

pub(super) fn pack(args: PackArgs) -> Result<(), CliError> {
    if let Some(session) = &args.session {
        // Check it now, as it will be read from the song: files default to the song itself.
        let text = std::fs::read_to_string(session)
            .map_err(|e| format!("{}: cannot read: {e}", session.display()))?;
        Session::parse_embedded(&text, session, &args.output)?;
    }
    for stem in &args.stems {
        tutti::source::probe(stem)?;
    }
    let name = args
        .output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = args
        .output
        .with_file_name(format!(".{name}.tutti-partial-{}.mka", std::process::id()));
    let status = Command::new("ffmpeg")
        .args(ffmpeg_args(&args.stems, args.session.as_deref(), &temp))
        .status()
        .map_err(|e| format!("tutti pack needs ffmpeg (apt-get install ffmpeg): {e}"))?;
    if !status.success() {
        let _ = std::fs::remove_file(&temp);
        return Err(format!("{}: ffmpeg failed ({status})", args.output.display()).into());
    }
    std::fs::rename(&temp, &args.output)
        .map_err(|e| format!("{}: cannot write: {e}", args.output.display()))?;
    let info = tutti::source::probe(&args.output)?;
    eprintln!(
        "wrote {}: {} tracks{}",
        args.output.display(),
        info.tracks.len(),
        if info.attachments.iter().any(|a| a == EMBEDDED_NAME) {
            " and its session"
        } else {
            ""
        }
    );
    Ok(())
}

fn ffmpeg_args(stems: &[std::path::PathBuf], session: Option<&Path>, out: &Path) -> Vec<String> {
    let mut a: Vec<String> = ["-hide_banner", "-loglevel", "error", "-y"]
        .map(String::from)
        .to_vec();
    for stem in stems {
        a.extend(["-i".into(), stem.display().to_string()]);
    }
    for i in 0..stems.len() {
        a.extend(["-map".into(), format!("{i}:a:0")]);
    }
    a.extend(["-c:a".into(), "flac".into()]);
    for (i, stem) in stems.iter().enumerate() {
        let title = stem
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        a.extend([format!("-metadata:s:a:{i}"), format!("title={title}")]);
    }
    if let Some(session) = session {
        a.extend(["-attach".into(), session.display().to_string()]);
        a.extend(["-metadata:s:t".into(), "mimetype=application/toml".into()]);
        a.extend(["-metadata:s:t".into(), format!("filename={EMBEDDED_NAME}")]);
    }
    a.extend(["-f".into(), "matroska".into(), out.display().to_string()]);
    a
}
