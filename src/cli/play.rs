//! `tutti play`: real-time playback to the sound card or stdout, with live control (terminal,
//! OSC) and the render-time profiler.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tutti::osc::OscServer;
use tutti::output::{stream, Pacing, StreamSink};
use tutti::render::{
    Engine, EngineConfig, Playback, RenderMode, RenderStats, Renderer, SlowBlock, Song,
};
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
    // The pool must outlive the renderer's use; it is dropped at the end of this function.
    let Playback {
        mut renderer,
        handle,
        pool: _pool,
        slow_blocks,
        ..
    } = song.start(&config, mode, &PoolConfig::default())?;
    // Pre-roll: a quarter of a second in every ring before the clock starts.
    if mode == RenderMode::RealTime
        && !renderer.prime(config.rate as usize / 4, Duration::from_secs(5))
        && !args.quiet
    {
        eprintln!("warning: the decoders are slow to start; playback may underrun");
    }
    let stats = renderer.stats().clone();
    let stop = Arc::new(AtomicBool::new(false));
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
        play_stdout(&mut renderer, &args, &stop)
    } else {
        play_device(renderer, &args, &engine, &stop)
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

fn play_stdout(
    renderer: &mut Renderer,
    args: &PlayArgs,
    stop: &AtomicBool,
) -> Result<(), CliError> {
    let rate = renderer.config().rate;
    let mut sink = StreamSink::new(
        std::io::BufWriter::new(std::io::stdout().lock()),
        args.format,
        rate,
    );
    let pacing = (!args.no_pace).then(|| Pacing::from_now(rate));
    stream(renderer, &mut sink, pacing, None, stop)?;
    Ok(())
}

#[cfg(feature = "device")]
fn play_device(
    renderer: Renderer,
    args: &PlayArgs,
    engine: &Arc<Engine>,
    stop: &Arc<AtomicBool>,
) -> Result<(), CliError> {
    let device = tutti::output::device::DeviceOutput::start(
        renderer,
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
    Ok(())
}

#[cfg(not(feature = "device"))]
fn play_device(
    _: Renderer,
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
