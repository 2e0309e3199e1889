//! `tutti fx`: applies an effect chain to one file, like sox's effects, tail included.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use tutti::dsp::{effects_help, EffectSpec};
use tutti::output::{render_offline, BlockSink, OutputError, SampleFormat, WavFile};
use tutti::render::{EngineConfig, RenderMode, Song, TrackSpec};
use tutti::source::{probe, PoolConfig, SourceSpec};

use super::info::format_duration;
use super::{progress, CliError};

/// Arguments of `tutti fx`.
#[derive(Args)]
pub(super) struct FxArgs {
    /// Input file (WAV, AIFF, FLAC, MP3, Ogg Vorbis, AAC/M4A).
    #[arg(value_name = "IN", required_unless_present = "list")]
    input: Option<PathBuf>,
    /// Output file (.wav).
    #[arg(short, long, required_unless_present = "list")]
    output: Option<PathBuf>,
    /// An effect and its parameters, e.g. -e "lowpass freq_hz=800" (repeatable, applied in order).
    #[arg(short = 'e', long = "effect", value_name = "EFFECT key=value ...")]
    effects: Vec<String>,
    /// List the effects and their parameters (units, ranges, defaults), then exit.
    #[arg(long)]
    list: bool,
    /// Engine and output rate in Hz [default: the input's rate].
    #[arg(long, value_name = "HZ")]
    rate: Option<u32>,
    /// Output sample format: 16 (dithered), 24 or 32f (float, unclipped).
    #[arg(long, default_value = "32f", value_name = "16|24|32f")]
    bits: SampleFormat,
    /// Frames per render block: a power of two from 16 to 4096.
    #[arg(long, value_name = "N", default_value_t = 128)]
    block: usize,
    /// No progress bar and no summary.
    #[arg(short, long)]
    quiet: bool,
}

/// Drops the first `skip` frames (the chain's latency), then writes to the file.
struct SkipSink<'a> {
    file: &'a mut WavFile,
    skip: usize,
}

impl BlockSink for SkipSink<'_> {
    fn write_block(&mut self, interleaved: &[f32]) -> Result<(), OutputError> {
        let drop = (self.skip * 2).min(interleaved.len());
        self.skip -= drop / 2;
        self.file.write_block(&interleaved[drop..])
    }
}

pub(super) fn fx(args: FxArgs) -> Result<(), CliError> {
    if args.list {
        print!("{}", effects_help());
        return Ok(());
    }
    let (Some(input), Some(output)) = (args.input, args.output) else {
        return Err("fx needs IN and -o OUT (or --list)".into());
    };
    let specs = args
        .effects
        .iter()
        .map(|e| EffectSpec::parse(e).map_err(|err| format!("-e \"{e}\": {err}")))
        .collect::<Result<Vec<_>, _>>()?;
    let info = probe(&input)?;
    let track_info = info.tracks.iter().find(|t| t.is_audio);
    let rate = args
        .rate
        .or(track_info.and_then(|t| t.rate))
        .unwrap_or(48_000);
    let config = EngineConfig {
        rate,
        block_frames: args.block,
        ..EngineConfig::default()
    };
    config.validate()?;
    let name = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut track = TrackSpec::new(name, SourceSpec::File(input.clone()));
    track.effects = specs;
    let song = Song {
        tracks: vec![track],
        ..Song::default()
    };

    let started = Instant::now();
    let mut playback = song.start(&config, RenderMode::Offline, &PoolConfig::default())?;
    let latency = playback.renderer.latency_frames();
    let mut file = WavFile::create(&output, rate, args.bits)?;
    let estimate = track_info
        .and_then(|t| t.duration_seconds)
        .map(|s| (s * rate as f64) as u64);
    let tail = playback.renderer.tail_frames() as u64;
    let bar = progress::bar(args.quiet, || estimate.map(|f| f + tail));
    let mut sink = SkipSink {
        file: &mut file,
        skip: latency,
    };
    let frames = render_offline(&mut playback.renderer, &mut sink, &mut |f| {
        bar.set_position(f)
    })?;
    bar.finish_and_clear();
    let (peak, clipped) = (file.peak(), file.clipped_samples());
    file.finish()?;
    for w in playback.pool.take_warnings() {
        eprintln!("warning: {w}");
    }
    let resets = playback.renderer.stats().effect_resets();
    if resets > 0 {
        eprintln!("warning: effects were reset {resets} times (NaN, Inf or a feedback blow-up)");
    }
    if !args.quiet {
        let seconds = frames.saturating_sub(latency as u64) as f64 / rate as f64;
        let peak = if peak > 0.0 {
            format!("{:.1} dBFS", 20.0 * peak.log10())
        } else {
            "silent".into()
        };
        eprintln!(
            "wrote {}: {} ({} effects, tail included, latency {latency} frames compensated), {rate} Hz, peak {peak}",
            output.display(),
            format_duration(seconds),
            song.tracks[0].effects.len(),
        );
        eprintln!("rendered in {:.2} s", started.elapsed().as_secs_f64());
        if clipped > 0 {
            eprintln!("warning: {clipped} samples clipped in the integer output (add -e \"limiter\" or use --bits 32f)");
        }
    }
    Ok(())
}
