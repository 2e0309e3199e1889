//! `tutti mix` and `tutti render`: a song rendered offline to a file.

use std::path::Path;
use std::time::Instant;

use tutti::output::{render_offline, SampleFormat, WavFile};
use tutti::render::{EngineConfig, RenderMode, Song, TrackSpec};
use tutti::session::Session;
use tutti::source::{probe, PoolConfig, SourceSpec};

use super::info::format_duration;
use super::{progress, CliError, MixArgs, OutputArgs, RenderArgs};

pub(super) fn mix(args: MixArgs) -> Result<(), CliError> {
    let mut song = Song::default();
    for path in &args.inputs {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        song.tracks
            .push(TrackSpec::new(name, SourceSpec::File(path.clone())));
    }
    for &(n, gain_db) in &args.gains {
        let track = song
            .tracks
            .get_mut(n - 1)
            .ok_or_else(|| format!("--gain {n}=…: there are only {} inputs", args.inputs.len()))?;
        if !gain_db.is_finite() || gain_db.abs() > 48.0 {
            return Err(
                format!("--gain {n}={gain_db}: gain is out of range (-48 to 48 dB)").into(),
            );
        }
        track.channel.gain_db = gain_db;
    }
    let config = EngineConfig {
        rate: args.rate,
        ..engine_with_block(EngineConfig::default(), &args.output)
    };
    render_song(&song, &config, &args.output)
}

pub(super) fn render(args: RenderArgs) -> Result<(), CliError> {
    let session = Session::load(&args.session)?;
    let mut config = engine_with_block(session.engine_config(), &args.output);
    if let Some(rate) = args.rate {
        config.rate = rate;
    }
    render_song(&session.to_song(), &config, &args.output)
}

fn engine_with_block(config: EngineConfig, out: &OutputArgs) -> EngineConfig {
    EngineConfig {
        block_frames: out.block.unwrap_or(config.block_frames),
        ..config
    }
}

/// Renders `song` to the output file, with a progress bar and a summary unless quiet.
pub(super) fn render_song(
    song: &Song,
    config: &EngineConfig,
    out: &OutputArgs,
) -> Result<(), CliError> {
    config.validate()?;
    let started = Instant::now();
    let mut playback = song.start(config, RenderMode::Offline, &PoolConfig::default())?;
    let mut file = WavFile::create(&out.output, config.rate, out.bits)?;
    let bar = progress::bar(estimated_frames(song, config.rate), out.quiet);
    let frames = render_offline(&mut playback.renderer, &mut file, &mut |f| {
        bar.set_position(f)
    })?;
    bar.finish_and_clear();
    let (peak, clipped) = (file.peak(), file.clipped_samples());
    file.finish()?;
    let warnings = playback.pool.take_warnings();
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    if !out.quiet {
        let seconds = frames as f64 / config.rate as f64;
        let took = started.elapsed().as_secs_f64();
        eprintln!(
            "wrote {}: {}, {} Hz stereo {}, {} tracks, peak {}",
            out.output.display(),
            format_duration(seconds),
            config.rate,
            format_name(out.bits),
            song.tracks.len(),
            peak_text(peak),
        );
        eprintln!(
            "rendered in {took:.2} s ({:.0}x real time)",
            seconds / took.max(1e-9)
        );
        if clipped > 0 {
            eprintln!("warning: {clipped} samples clipped in the integer output (lower the gain or use --bits 32f)");
        }
    }
    Ok(())
}

fn format_name(f: SampleFormat) -> &'static str {
    match f {
        SampleFormat::I16 => "16-bit (TPDF dither)",
        SampleFormat::I24 => "24-bit",
        SampleFormat::F32 => "32-bit float",
    }
}

fn peak_text(peak: f32) -> String {
    if peak > 0.0 {
        format!("{:.1} dBFS", 20.0 * peak.log10())
    } else {
        "silent".into()
    }
}

/// The song's length in engine frames, as far as the files say (for the progress bar).
fn estimated_frames(song: &Song, rate: u32) -> Option<u64> {
    let mut end = 0.0f64;
    for t in &song.tracks {
        let seconds = match &t.source {
            SourceSpec::File(p) => file_seconds(p)?,
            SourceSpec::Memory {
                samples,
                channels,
                rate,
            } => samples.len() as f64 / (*channels).max(1) as f64 / *rate as f64,
        };
        end = end.max(t.start_seconds + seconds);
    }
    Some((end * rate as f64) as u64)
}

fn file_seconds(path: &Path) -> Option<f64> {
    probe(path)
        .ok()?
        .tracks
        .iter()
        .find(|t| t.is_audio)?
        .duration_seconds
}
