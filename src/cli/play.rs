//! `tutti play`: real-time playback to the sound card or stdout, with live control (terminal,
//! OSC) and the render-time profiler.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tutti::osc::OscServer;
use tutti::output::{stream, StreamSink};
use tutti::render::{Engine, EngineConfig, Playback, RenderMode, RenderStats, SlowBlock, Song};
use tutti::source::PoolConfig;

use super::mix::{load_song, SongRequest};
use super::{CliError, PlayArgs};

pub(super) fn play(args: PlayArgs) -> Result<(), CliError> {
    let request = SongRequest {
        inputs: &args.inputs,
        tracks: &args.tracks,
        gains: &args.gains,
        takes: &args.takes,
        rate: args.rate,
        block: args.block,
        quiet: args.quiet,
    };
    let (song, config) = load_song(&request)?;
    config.validate()?;
    if !args.stdout && !cfg!(feature = "device") {
        return Err("this tutti was built without sound card support: rebuild with `cargo build --release --features device`, or use --stdout".into());
    }
    let mode = if args.stdout && args.no_pace {
        RenderMode::Offline
    } else {
        RenderMode::RealTime
    };
    let mut playback = song.start(&config, mode, &PoolConfig::default())?;
    // Pre-roll: a quarter of a second in every ring before the clock starts.
    if mode == RenderMode::RealTime
        && !playback
            .renderer
            .prime(config.rate as usize / 4, Duration::from_secs(5))
        && !args.quiet
    {
        eprintln!("warning: the decoders are slow to start; playback may underrun");
    }
    let stats = playback.renderer.stats().clone();
    let stop = Arc::new(AtomicBool::new(false));
    let (handle, slow_blocks) = take_control(&mut playback);
    let engine = Arc::new(Engine::new(handle, &song, stats.clone(), config.rate));
    let osc = match args.osc {
        Some(port) => Some(
            OscServer::start(engine.clone(), (args.osc_bind, port).into(), stop.clone())
                .map_err(|e| format!("cannot listen for OSC on {}:{port}: {e}", args.osc_bind))?,
        ),
        None => None,
    };
    if let Some(o) = &osc {
        if !args.quiet {
            eprintln!("listening for OSC on {}", o.local_addr);
        }
    }
    let logger = start_logger(
        slow_blocks,
        stats.clone(),
        song.clone(),
        config,
        stop.clone(),
        args.quiet,
    );
    let result = if args.stdout {
        play_stdout(&mut playback, &args, &stop)
    } else {
        play_device(playback, &args, &engine, &stop)
    };
    stop.store(true, Ordering::Relaxed);
    let _ = logger.join();
    if let Some(o) = osc {
        o.join();
    }
    if args.profile {
        print_profile(&stats, &song);
    }
    result
}

/// Takes the control handle and the slow-block log out of a playback, leaving inert ones.
fn take_control(
    playback: &mut Playback,
) -> (tutti::render::RendererHandle, rtrb::Consumer<SlowBlock>) {
    let (_, dead_consumer) = rtrb::RingBuffer::new(1);
    let slow = std::mem::replace(&mut playback.slow_blocks, dead_consumer);
    let handle = std::mem::replace(
        &mut playback.handle,
        tutti::render::RendererHandle::detached(),
    );
    (handle, slow)
}

fn play_stdout(
    playback: &mut Playback,
    args: &PlayArgs,
    stop: &AtomicBool,
) -> Result<(), CliError> {
    let out = std::io::stdout().lock();
    let mut sink = StreamSink::new(
        std::io::BufWriter::new(out),
        args.format,
        playback.renderer.config().rate,
    );
    match stream(&mut playback.renderer, &mut sink, !args.no_pace, stop) {
        Ok(_) => Ok(()),
        // A closed pipe (e.g. `| head`) is a normal way for a stream to end.
        Err(tutti::output::OutputError::Write { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(feature = "device")]
fn play_device(
    playback: Playback,
    args: &PlayArgs,
    engine: &Arc<Engine>,
    stop: &Arc<AtomicBool>,
) -> Result<(), CliError> {
    let device = tutti::output::device::DeviceOutput::start(
        playback.renderer,
        args.device.as_deref(),
        args.latency_ms,
    )?;
    let interactive =
        !args.quiet && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if interactive {
        super::tui::run(engine, &device, stop)?;
    } else {
        while !stop.load(Ordering::Relaxed) && !device.finished() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    device.stop();
    let _keep = playback.pool;
    Ok(())
}

#[cfg(not(feature = "device"))]
fn play_device(
    _: Playback,
    _: &PlayArgs,
    _: &Arc<Engine>,
    _: &Arc<AtomicBool>,
) -> Result<(), CliError> {
    Err("this tutti was built without sound card support (feature `device`)".into())
}

pub(super) fn devices() -> Result<(), CliError> {
    #[cfg(feature = "device")]
    {
        for line in tutti::output::device::list_devices()? {
            println!("{line}");
        }
        Ok(())
    }
    #[cfg(not(feature = "device"))]
    Err("this tutti was built without sound card support: rebuild with `cargo build --release --features device`".into())
}

/// Logs slow blocks and, unless quiet, a status line a second, from a thread of its own.
fn start_logger(
    mut slow: rtrb::Consumer<SlowBlock>,
    stats: Arc<RenderStats>,
    song: Song,
    config: EngineConfig,
    stop: Arc<AtomicBool>,
    quiet: bool,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut ticks = 0u32;
        while !stop.load(Ordering::Relaxed) {
            while let Ok(b) = slow.pop() {
                eprintln!(
                    "slow block at {:.3} s: {:.2} ms of its {:.2} ms budget ({:.0} %), {} of {} tracks playing, {} voices, {} effects",
                    b.position_frames as f64 / config.rate as f64,
                    b.elapsed_ns as f64 / 1e6,
                    b.budget_ns as f64 / 1e6,
                    b.elapsed_ns as f64 * 100.0 / b.budget_ns as f64,
                    b.active_tracks,
                    song.tracks.len(),
                    b.active_voices,
                    b.effects
                );
            }
            ticks += 1;
            if !quiet && ticks.is_multiple_of(50) && !std::io::stderr().is_terminal() {
                let r = stats.budget_report();
                eprintln!(
                    "position {:.1} s, {}, render p99 {:.1} % of budget, underruns {}",
                    stats.position_frames() as f64 / config.rate as f64,
                    if stats.is_playing() {
                        "playing"
                    } else {
                        "paused"
                    },
                    r.p99_percent,
                    stats.underruns()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    })
}

fn print_profile(stats: &RenderStats, song: &Song) {
    let r = stats.budget_report();
    eprintln!(
        "profile: {} blocks, budget {:.3} ms per block",
        r.blocks,
        stats.budget().as_secs_f64() * 1e3
    );
    eprintln!(
        "  render time: p50 {:.1} %, p99 {:.1} %, max {:.1} % of budget; {} blocks over budget, {} slow",
        r.p50_percent, r.p99_percent, r.max_percent, r.over_budget, r.slow_blocks
    );
    eprintln!(
        "  underruns: {} in all; device xruns: {}",
        stats.underruns(),
        stats.xruns()
    );
    for (t, n) in song.tracks.iter().zip(stats.track_underruns()) {
        if n > 0 {
            eprintln!("    {}: {n} underruns", t.name);
        }
    }
}
