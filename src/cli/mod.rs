//! Command-line interface: argument parsing and the subcommands.

mod demo;
mod fx;
mod info;
mod mix;
mod pack;
mod play;
mod progress;
mod serve;
#[cfg(feature = "device")]
mod tui;

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
    /// Render a session (a TOML file, or the one embedded in a Matroska song) to a file.
    Render(RenderArgs),
    /// Pack stems and a session into one Matroska song (.mka), with ffmpeg.
    Pack(PackArgs),
    /// Play in real time: to the sound card (feature `device`) or as a stream on stdout.
    Play(PlayArgs),
    /// List the sound card's output devices (feature `device`).
    Devices,
    /// Show a file's format, codec, rate, channels, duration and tracks.
    Info(InfoArgs),
    /// Render a built-in demo song, made in code, to tutti-demo.wav (no input files needed).
    Demo(DemoArgs),
    /// Serve voices live over OSC: `--dirt` speaks SuperDirt's /dirt/play (for TidalCycles).
    Serve(ServeArgs),
    /// Apply an effect chain to one file, like sox's effects; the tail (reverb, delay) is
    /// rendered too. `tutti fx --list` lists the effects and their parameters.
    ///
    /// Example: tutti fx in.wav -o out.wav -e "highpass freq_hz=80" -e "reverb decay_s=2 mix=0.3"
    /// -e "limiter ceiling_db=-1"
    Fx(fx::FxArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// Accept SuperDirt's /dirt/play messages (bare or in timestamped bundles).
    #[arg(long)]
    dirt: bool,
    /// UDP port to listen on (0 picks a free one; the address is printed on stderr).
    #[arg(long, default_value_t = 57120)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// Sample folder laid out like Dirt-Samples: DIR/name/*.wav|flac|ogg|aiff.
    #[arg(long, value_name = "DIR")]
    samples: Option<PathBuf>,
    /// Engine and output sample rate in Hz.
    #[arg(long, default_value_t = 48_000, value_name = "HZ")]
    rate: u32,
    /// Frames per render block: a power of two from 16 to 4096.
    #[arg(long, default_value_t = 128, value_name = "N")]
    block: usize,
    /// Seconds added to every timestamp (and to bare messages' arrival).
    #[arg(long, default_value_t = 0.1, value_name = "S")]
    latency: f64,
    /// Voices that can sound at once.
    #[arg(long, default_value_t = 4096, value_name = "N")]
    max_voices: usize,
    /// Write the audio to stdout instead of the sound card.
    #[arg(long)]
    stdout: bool,
    /// The output device (see `tutti devices`) [default: the system's default].
    #[arg(long, value_name = "NAME")]
    device: Option<String>,
    /// Sound card buffer to ask for, in milliseconds (keep it below --latency).
    #[arg(long, default_value_t = 20.0, value_name = "MS")]
    buffer_ms: f32,
    /// Format of the stdout stream: f32le (interleaved stereo, little-endian 32-bit float),
    /// s16le (dithered) or wav (a header, then f32).
    #[arg(long, default_value = "f32le", value_name = "f32le|s16le|wav")]
    format: tutti::output::StreamFormat,
    /// Stop after this many seconds of audio.
    #[arg(long, value_name = "S")]
    duration: Option<f64>,
}

/// Output options shared by the rendering commands.
#[derive(Args)]
struct OutputArgs {
    /// Output file (.wav).
    #[arg(short, long, required_unless_present = "list_takes")]
    output: Option<PathBuf>,
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

/// How a session's takes are picked.
#[derive(Args)]
struct TakeArgs {
    /// Seed that picks each part's takes; the same seed gives the same bytes. Without it a
    /// random seed is drawn and printed.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Print which take of each part plays when (and render only if -o is given).
    #[arg(long)]
    list_takes: bool,
    /// Ignore a session embedded in a Matroska song (tutti.toml) and mix its tracks instead.
    #[arg(long)]
    no_session: bool,
}

#[derive(Args)]
struct MixArgs {
    /// Input files: WAV, AIFF, FLAC, MP3, Ogg Vorbis, AAC/M4A, or Matroska songs (.mka), whose
    /// audio tracks are all mixed. A single song with an embedded session plays that session.
    #[arg(required = true, value_name = "IN")]
    inputs: Vec<PathBuf>,
    /// Gain of input N (1-based) in dB, e.g. `--gain 2=-6`. Repeatable.
    #[arg(long = "gain", value_name = "N=DB", value_parser = parse_gain)]
    gains: Vec<(usize, f32)>,
    /// Mix only these tracks of each multi-track input, by number as `tutti info` shows them
    /// (e.g. `--tracks 2,4`).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    tracks: Vec<usize>,
    /// Engine and output sample rate in Hz.
    #[arg(long, default_value_t = 48_000, value_name = "HZ")]
    rate: u32,
    #[command(flatten)]
    takes: TakeArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Args)]
struct RenderArgs {
    /// The session: a TOML file (see examples/), or a Matroska song with an embedded tutti.toml.
    session: PathBuf,
    /// Override the session's engine rate, in Hz.
    #[arg(long, value_name = "HZ")]
    rate: Option<u32>,
    #[command(flatten)]
    takes: TakeArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Args)]
struct PlayArgs {
    /// What to play: files, Matroska songs, or one session (TOML, or a song with an embedded
    /// session).
    #[arg(required = true, value_name = "SESSION|FILE")]
    inputs: Vec<PathBuf>,
    /// Write the stream to stdout instead of the sound card (for pipes, servers, containers).
    #[arg(long)]
    stdout: bool,
    /// Stream format with --stdout.
    #[arg(long, default_value = "f32le", value_name = "f32le|s16le|wav")]
    format: tutti::output::StreamFormat,
    /// With --stdout, run as fast as possible instead of in real time; the stream then holds
    /// exactly the samples of the offline mix.
    #[arg(long)]
    no_pace: bool,
    /// The output device (see `tutti devices`) [default: the system's default].
    #[arg(long, value_name = "NAME")]
    device: Option<String>,
    /// Sound card buffer to ask for, in milliseconds.
    #[arg(long, default_value_t = 20.0, value_name = "MS")]
    latency_ms: f32,
    /// Accept OSC control messages (/tutti/play, /tutti/seek f, …) on this UDP port.
    #[arg(long, value_name = "PORT")]
    osc: Option<u16>,
    /// Address the OSC port binds to.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    osc_bind: std::net::IpAddr,
    /// Print the render-time profile (p50/p99/max of the block budget, underruns, xruns) at exit.
    #[arg(long)]
    profile: bool,
    /// Frames per render block: a power of two from 16 to 4096 [default: 128, or the session's].
    #[arg(long, value_name = "N")]
    block: Option<usize>,
    /// Engine sample rate in Hz [default: 48000, or the session's].
    #[arg(long, value_name = "HZ")]
    rate: Option<u32>,
    /// Play only these tracks of each multi-track input.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    tracks: Vec<usize>,
    /// Gain of input N (1-based) in dB. Repeatable.
    #[arg(long = "gain", value_name = "N=DB", value_parser = parse_gain)]
    gains: Vec<(usize, f32)>,
    #[command(flatten)]
    takes: TakeArgs,
    /// No status lines or terminal UI.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
struct PackArgs {
    /// The stems, in track order (each file's first audio track becomes one track).
    #[arg(required = true, value_name = "STEM")]
    stems: Vec<PathBuf>,
    /// A session to embed as tutti.toml; its tracks and takes refer to the stems as
    /// `track = N` (1-based, in the order given here).
    #[arg(long, value_name = "TOML")]
    session: Option<PathBuf>,
    /// The Matroska song to write (.mka).
    #[arg(short, long)]
    output: PathBuf,
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
        Command::Pack(a) => pack::pack(a),
        Command::Play(a) => play::play(a),
        Command::Devices => play::devices(),
        Command::Info(a) => info::info(a),
        Command::Demo(a) => demo::demo(a),
        Command::Serve(a) => serve::serve(a),
        Command::Fx(a) => fx::fx(a),
    }
}
