//! Command-line interface: argument parsing and the subcommands.

mod demo;
mod fx;
mod info;
mod mix;
mod progress;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use tutti::output::SampleFormat;

/// Any error a command reports: one line, printed by `main`.
pub type CliError = Box<dyn std::error::Error>;

/// tutti: a real-time multi-track audio engine. Mixes and renders stems sample-exactly.
#[derive(Parser)]
#[command(name = "tutti", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Mix audio files at unity gain into one file, like `sox -m -v 1`.
    ///
    /// Every input plays from the start, at unity gain, centred; mono inputs play on both
    /// channels and inputs at another rate are resampled. The float output is neither
    /// normalised nor clipped, so a loud mix can exceed ±1.0 (integer outputs are clipped, and
    /// 16-bit is dithered). The output lasts as long as the longest input.
    Mix(MixArgs),
    /// Render a session file (TOML: tracks, buses, gains, pans, starts) to a file.
    Render(RenderArgs),
    /// Show a file's format, codec, rate, channels, duration and tracks.
    Info(InfoArgs),
    /// Render a built-in demo song, made in code, to tutti-demo.wav (no input files needed).
    Demo(DemoArgs),
    /// Apply an effect chain to one file, like sox's effects; the tail (reverb, delay) is
    /// rendered too. `tutti fx --list` lists the effects and their parameters.
    ///
    /// Example: tutti fx in.wav -o out.wav -e "highpass freq_hz=80" -e "reverb decay_s=2 mix=0.3"
    /// -e "limiter ceiling_db=-1"
    Fx(fx::FxArgs),
}

/// Output options shared by the rendering commands.
#[derive(Args)]
struct OutputArgs {
    /// Output file (.wav).
    #[arg(short, long)]
    output: PathBuf,
    /// Output sample format: 16 (dithered), 24 or 32f (float, unclipped).
    #[arg(long, default_value = "32f", value_name = "16|24|32f")]
    bits: SampleFormat,
    /// Frames per render block: a power of two from 16 to 4096 [default: 128, or the session's].
    #[arg(long, value_name = "N")]
    block: Option<usize>,
    /// No progress bar and no summary.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
struct MixArgs {
    /// Input files (WAV, AIFF, FLAC, MP3, Ogg Vorbis, AAC/M4A).
    #[arg(required = true, value_name = "IN")]
    inputs: Vec<PathBuf>,
    /// Gain of input N (1-based) in dB, e.g. `--gain 2=-6`. Repeatable.
    #[arg(long = "gain", value_name = "N=DB", value_parser = parse_gain)]
    gains: Vec<(usize, f32)>,
    /// Engine and output sample rate in Hz.
    #[arg(long, default_value_t = 48_000, value_name = "HZ")]
    rate: u32,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Args)]
struct RenderArgs {
    /// The session file (TOML). See examples/ for the format.
    session: PathBuf,
    /// Override the session's engine rate, in Hz.
    #[arg(long, value_name = "HZ")]
    rate: Option<u32>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Args)]
struct InfoArgs {
    /// The file to describe.
    file: PathBuf,
    /// Print one JSON object (with a `tracks` array) instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct DemoArgs {
    /// Where to write the demo.
    #[arg(short, long, default_value = "tutti-demo.wav")]
    output: PathBuf,
    /// Output sample format: 16, 24 or 32f.
    #[arg(long, default_value = "32f", value_name = "16|24|32f")]
    bits: SampleFormat,
    /// No summary.
    #[arg(short, long)]
    quiet: bool,
}

fn parse_gain(text: &str) -> Result<(usize, f32), String> {
    let (n, db) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not N=DB (e.g. 2=-6)"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("'{n}' is not an input number"))?;
    let db: f32 = db
        .trim()
        .parse()
        .map_err(|_| format!("'{db}' is not a gain in dB"))?;
    if n == 0 {
        return Err("inputs are numbered from 1".into());
    }
    Ok((n, db))
}

/// Parses the command line and runs the command.
pub fn run() -> Result<(), CliError> {
    match Cli::parse().command {
        Command::Mix(a) => mix::mix(a),
        Command::Render(a) => mix::render(a),
        Command::Info(a) => info::info(a),
        Command::Demo(a) => demo::demo(a),
        Command::Fx(a) => fx::fx(a),
    }
}
