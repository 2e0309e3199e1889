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
    if let [input] = args.inputs.as_slice() {
        if let Some(session) = embedded_session(input, &args.takes)? {
            if !args.tracks.is_empty() || !args.gains.is_empty() {
                return Err(format!("{}: --tracks and --gain do not apply to its embedded session (add --no-session)", input.display()).into());
            }
            return render_session(&session, Some(args.rate), &args.takes, &args.output);
        }
    }
    let mut song = Song::default();
    for (i, path) in args.inputs.iter().enumerate() {
        let gain_db = input_gain(&args, i + 1)?;
        for mut track in input_tracks(path, &args.tracks)? {
            track.channel.gain_db = gain_db;
            song.tracks.push(track);
        }
    }
    let config = EngineConfig {
        rate: args.rate,
        ..engine_with_block(EngineConfig::default(), &args.output)
    };
    render_song(&song, &config, &args.output)
}

pub(super) fn render(args: RenderArgs) -> Result<(), CliError> {
    let is_toml = args
        .session
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let session = if is_toml {
        Some(Session::load(&args.session)?)
    } else {
        embedded_session(&args.session, &args.takes)?
    };
    match session {
        Some(session) => render_session(&session, args.rate, &args.takes, &args.output),
        None => {
            let song = Song {
                tracks: input_tracks(&args.session, &[])?,
                ..Song::default()
            };
            let config = EngineConfig {
                rate: args.rate.unwrap_or(48_000),
                ..engine_with_block(EngineConfig::default(), &args.output)
            };
            render_song(&song, &config, &args.output)
        }
    }
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

/// Renders a session with its takes picked from `--seed` (or a random, printed seed).
fn render_session(
    session: &Session,
    rate: Option<u32>,
    takes: &TakeArgs,
    out: &OutputArgs,
) -> Result<(), CliError> {
    let seed = takes.seed.unwrap_or_else(random_seed);
    if !session.parts.is_empty() && takes.seed.is_none() && !out.quiet {
        eprintln!("takes picked with seed {seed} (--seed {seed} plays them again)");
    }
    if takes.list_takes {
        for line in session.describe_takes(seed) {
            println!("{line}");
        }
        if out.output.is_none() {
            return Ok(());
        }
    }
    let mut config = engine_with_block(session.engine_config(), out);
    config.rate = rate.unwrap_or(config.rate);
    render_song(&session.to_song(seed)?, &config, out)
}

fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    (nanos ^ (std::process::id() as u64) << 32) % 1_000_000
}

/// The gain `--gain` gives input `n` (1-based), checked.
fn input_gain(args: &MixArgs, n: usize) -> Result<f32, CliError> {
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
    let output = out.output.as_deref().ok_or("missing -o/--output")?;
    let started = Instant::now();
    let mut playback = song.start(config, RenderMode::Offline, &PoolConfig::default())?;
    let mut file = WavFile::create(output, config.rate, out.bits)?;
    let bar = progress::bar(estimated_frames(song, config.rate), out.quiet);
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
