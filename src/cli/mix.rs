//! `tutti mix` and `tutti render`: a song rendered offline to a file.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tutti::output::{render_offline, SampleFormat, WavFile};
use tutti::render::{EngineConfig, RenderMode, Song, TrackSpec};
use tutti::session::Session;
use tutti::source::{probe, PoolConfig, SourceSpec};

use super::info::format_duration;
use super::{progress, CliError, MixArgs, OutputArgs, RenderArgs, TakeArgs};

pub(super) fn mix(args: MixArgs) -> Result<(), CliError> {
    let request = SongRequest {
        inputs: &args.inputs,
        tracks: &args.tracks,
        gains: &args.gains,
        takes: &args.takes,
        rate: Some(args.rate),
        block: args.output.block,
        quiet: args.output.quiet,
    };
    let (song, config) = load_song(&request)?;
    finish_render(&song, &config, &args.takes, &args.output)
}

pub(super) fn render(args: RenderArgs) -> Result<(), CliError> {
    let request = SongRequest {
        inputs: std::slice::from_ref(&args.session),
        tracks: &[],
        gains: &[],
        takes: &args.takes,
        rate: args.rate,
        block: args.output.block,
        quiet: args.output.quiet,
    };
    let (song, config) = load_song(&request)?;
    finish_render(&song, &config, &args.takes, &args.output)
}

/// Renders unless only `--list-takes` was asked for.
fn finish_render(
    song: &Song,
    config: &EngineConfig,
    takes: &TakeArgs,
    out: &OutputArgs,
) -> Result<(), CliError> {
    if takes.list_takes && out.output.is_none() {
        return Ok(());
    }
    render_song(song, config, out)
}

/// What to play, as the commands' arguments give it.
pub(super) struct SongRequest<'a> {
    /// Files, containers, or one session.
    pub inputs: &'a [PathBuf],
    /// `--tracks`.
    pub tracks: &'a [usize],
    /// `--gain`.
    pub gains: &'a [(usize, f32)],
    /// `--seed`, `--list-takes`, `--no-session`.
    pub takes: &'a TakeArgs,
    /// `--rate`, overriding a session's.
    pub rate: Option<u32>,
    /// `--block`, overriding a session's.
    pub block: Option<usize>,
    /// `-q`.
    pub quiet: bool,
}

/// The song and engine settings a request describes: one session (a TOML file, or the one a
/// single Matroska song embeds), or the inputs mixed at unity gain.
pub(super) fn load_song(req: &SongRequest) -> Result<(Song, EngineConfig), CliError> {
    let session = match req.inputs {
        [one]
            if one
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("toml")) =>
        {
            Some(Session::load(one)?)
        }
        [one] => embedded_session(one, req.takes)?,
        _ => None,
    };
    if let Some(session) = session {
        if !req.tracks.is_empty() || !req.gains.is_empty() {
            return Err(format!(
                "{}: --tracks and --gain do not apply to a session (add --no-session)",
                req.inputs[0].display()
            )
            .into());
        }
        let mut config = session.engine_config();
        config.rate = req.rate.unwrap_or(config.rate);
        config.block_frames = req.block.unwrap_or(config.block_frames);
        return Ok((session_song(&session, req.takes, req.quiet)?, config));
    }
    let mut song = Song::default();
    for (i, path) in req.inputs.iter().enumerate() {
        let gain_db = input_gain(req, i + 1)?;
        for mut track in input_tracks(path, req.tracks)? {
            track.channel.gain_db = gain_db;
            song.tracks.push(track);
        }
    }
    let defaults = EngineConfig::default();
    let config = EngineConfig {
        rate: req.rate.unwrap_or(defaults.rate),
        block_frames: req.block.unwrap_or(defaults.block_frames),
        ..defaults
    };
    Ok((song, config))
}

/// A session's song, with its takes picked from `--seed` (or a random, printed seed).
fn session_song(session: &Session, takes: &TakeArgs, quiet: bool) -> Result<Song, CliError> {
    let seed = takes.seed.unwrap_or_else(random_seed);
    if !session.parts.is_empty() && takes.seed.is_none() && !quiet {
        eprintln!("takes picked with seed {seed} (--seed {seed} plays them again)");
    }
    if takes.list_takes {
        for line in session.describe_takes(seed) {
            println!("{line}");
        }
    }
    Ok(session.to_song(seed)?)
}

/// The session embedded in `path`, unless `--no-session` (or the file is not a container).
fn embedded_session(path: &Path, takes: &TakeArgs) -> Result<Option<Session>, CliError> {
    if takes.no_session {
        return Ok(None);
    }
    let info = probe(path)?;
    if !info
        .attachments
        .iter()
        .any(|a| a == tutti::session::EMBEDDED_NAME)
    {
        return Ok(None);
    }
    Ok(Session::from_container(path)?)
}

fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    (nanos ^ (std::process::id() as u64) << 32) % 1_000_000
}

/// The gain `--gain` gives input `n` (1-based), checked.
fn input_gain(args: &SongRequest, n: usize) -> Result<f32, CliError> {
    if let Some(&(bad, _)) = args.gains.iter().find(|(i, _)| *i > args.inputs.len()) {
        return Err(format!(
            "--gain {bad}=…: there are only {} inputs",
            args.inputs.len()
        )
        .into());
    }
    let gain_db = args
        .gains
        .iter()
        .rev()
        .find(|(i, _)| *i == n)
        .map_or(0.0, |g| g.1);
    if !gain_db.is_finite() || gain_db.abs() > 48.0 {
        return Err(format!("--gain {n}={gain_db}: gain is out of range (-48 to 48 dB)").into());
    }
    Ok(gain_db)
}

/// The tracks to mix from one input: its only audio track, or, for a file with several, all of
/// them (or those `--tracks` selects).
fn input_tracks(path: &Path, selected: &[usize]) -> Result<Vec<TrackSpec>, CliError> {
    let info = probe(path)?;
    let audio = info.audio_tracks();
    if audio.is_empty() {
        return Err(format!("{}: no audio track", path.display()).into());
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if audio.len() == 1 && info.tracks.len() == 1 {
        return Ok(vec![TrackSpec::new(
            stem,
            SourceSpec::File(path.to_path_buf()),
        )]);
    }
    let numbers = if selected.is_empty() {
        audio
    } else {
        selected.to_vec()
    };
    numbers
        .into_iter()
        .map(|number| {
            match info.tracks.get(number.wrapping_sub(1)) {
                None => {
                    return Err(format!(
                        "{}: track {number} does not exist (the file has {} tracks)",
                        path.display(),
                        info.tracks.len()
                    )
                    .into())
                }
                Some(t) if !t.is_audio => {
                    return Err(format!("{}: track {number} is not audio", path.display()).into())
                }
                Some(_) => {}
            }
            let name = info.tracks[number - 1]
                .name
                .clone()
                .unwrap_or_else(|| format!("{stem}:{number}"));
            Ok(TrackSpec::new(
                name,
                SourceSpec::Track {
                    path: PathBuf::from(path),
                    number,
                },
            ))
        })
        .collect()
}

/// Renders `song` to the output file, with a progress bar and a summary unless quiet.
pub(super) fn render_song(
    song: &Song,
    config: &EngineConfig,
    out: &OutputArgs,
) -> Result<(), CliError> {
    config.validate()?;
    let output = out.output.as_deref().ok_or("missing -o/--output")?;
    let started = Instant::now();
    let mut playback = song.start(config, RenderMode::Offline, &PoolConfig::default())?;
    let mut file = WavFile::create(output, config.rate, out.bits)?;
    let bar = progress::bar(out.quiet, || estimated_frames(song, config.rate));
    let frames = render_offline(&mut playback.renderer, &mut file, &mut |f| {
        bar.set_position(f)
    })?;
    bar.finish_and_clear();
    let (peak, clipped) = (file.peak(), file.clipped_samples());
    file.finish()?;
    for w in playback.pool.take_warnings() {
        eprintln!("warning: {w}");
    }
    for w in playback.voices.take_warnings() {
        eprintln!("warning: {w}");
    }
    if !out.quiet {
        let seconds = frames as f64 / config.rate as f64;
        let took = started.elapsed().as_secs_f64();
        let n = song.tracks.len();
        eprintln!(
            "wrote {}: {}, {} Hz stereo {}, {n} track{}, peak {}",
            output.display(),
            format_duration(seconds),
            config.rate,
            format_name(out.bits),
            if n == 1 { "" } else { "s" },
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
            SourceSpec::File(p) => file_seconds(p, None)?,
            SourceSpec::Track { path, number } => file_seconds(path, Some(*number))?,
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

fn file_seconds(path: &Path, number: Option<usize>) -> Option<f64> {
    let info = probe(path).ok()?;
    let track = match number {
        Some(n) => info.tracks.get(n.wrapping_sub(1))?,
        None => info.tracks.iter().find(|t| t.is_audio)?,
    };
    track.duration_seconds
}
