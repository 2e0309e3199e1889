//! `tutti info`: what a file holds.

use tutti::source::{probe, MediaInfo};

use super::{CliError, InfoArgs};

pub(super) fn info(args: InfoArgs) -> Result<(), CliError> {
    let info = probe(&args.file)?;
    if args.json {
        println!("{}", serde_json::to_string(&info)?);
    } else {
        print_text(&info);
    }
    Ok(())
}

fn print_text(info: &MediaInfo) {
    println!("{}: {}", info.path.display(), info.format);
    for t in &info.tracks {
        let mut parts = vec![t.codec.clone()];
        if let Some(r) = t.rate {
            parts.push(format!("{r} Hz"));
        }
        if let Some(c) = t.channels {
            parts.push(format!("{c} ch"));
        }
        if let Some(b) = t.bits {
            parts.push(format!("{b}-bit"));
        }
        if let Some(d) = t.duration_seconds {
            parts.push(format_duration(d));
        }
        if let Some(l) = t.language.as_ref().filter(|l| l.as_str() != "und") {
            parts.push(format!("lang {l}"));
        }
        let name = t
            .name
            .as_ref()
            .map(|n| format!(" \"{n}\""))
            .unwrap_or_default();
        println!("  track {}{name}: {}", t.number, parts.join(", "));
    }
    for a in &info.attachments {
        println!("  attachment: {a}");
    }
}

/// "1:02.345 (62.345 s)".
pub(super) fn format_duration(seconds: f64) -> String {
    let m = (seconds / 60.0).floor();
    format!("{}:{:06.3} ({seconds:.3} s)", m as u64, seconds - m * 60.0)
}
