//! `tutti serve --dirt`: a SuperDirt-compatible voice server. `/dirt/play` messages arrive over
//! UDP (bare, or in timestamped bundles as TidalCycles sends them) and play at their bundle's
//! timestamp plus a fixed latency, so their relative timing is sample-exact.
//!
//! Song frame 0 is pinned to a wall-clock instant; a timestamp `t` plays at frame
//! `round((t − t0) · rate) + latency · rate`, and the output is paced to the same clock.

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rosc::{OscMessage, OscPacket, OscTime};
use tutti::output::{stream, Pacing, StreamSink};
use tutti::render::{EngineConfig, Playback, RenderMode, Song};
use tutti::source::PoolConfig;
use tutti::voice::dirt::DirtPlay;
use tutti::voice::{EventTime, Sound, VoiceConfig, VoiceHandle, VoiceSpec};

use super::{CliError, ServeArgs};

/// How far the output may run ahead of the wall clock.
const LEAD_SECONDS: f64 = 0.02;

/// What the OSC thread counted.
#[derive(Default)]
struct Counts {
    played: AtomicU64,
    malformed: AtomicU64,
    unknown: AtomicU64,
    ignored: AtomicU64,
    dropped: AtomicU64,
}

/// The wall clock of song frame 0, as both an `Instant` and a `SystemTime`.
#[derive(Clone, Copy)]
struct Clock {
    instant: Instant,
    system: SystemTime,
    rate: f64,
    latency_frames: u64,
}

impl Clock {
    /// The frame for an OSC timetag; immediate (or past) tags play at now + latency.
    fn frame(&self, tag: Option<OscTime>) -> u64 {
        let now = (self.instant.elapsed().as_secs_f64() * self.rate).round() as u64;
        let at = match tag {
            Some(t) if (t.seconds, t.fractional) != (0, 1) => {
                match SystemTime::from(t).duration_since(self.system) {
                    Ok(d) => (d.as_secs_f64() * self.rate).round() as u64,
                    Err(_) => now,
                }
            }
            _ => now,
        };
        at + self.latency_frames
    }
}

pub(super) fn serve(args: ServeArgs) -> Result<(), CliError> {
    check(&args)?;
    let config = EngineConfig {
        rate: args.rate,
        block_frames: args.block,
        ..EngineConfig::default()
    };
    config.validate()?;
    let playback = start_song(&args, &config)?;
    let socket = UdpSocket::bind((args.bind.as_str(), args.port))
        .map_err(|e| format!("serve: cannot bind udp {}:{}: {e}", args.bind, args.port))?;
    socket.set_read_timeout(Some(Duration::from_millis(50)))?;
    let local = socket.local_addr()?;
    let samples = playback.voices.library().names().len();
    eprintln!("tutti serve: listening for /dirt/play on udp://{local} ({samples} sample folders, {} Hz, latency {} s)", args.rate, args.latency);
    let stop = Arc::new(AtomicBool::new(false));
    let counts = Arc::new(Counts::default());
    let handle = playback.voices.clone();
    let mut receiver = None;
    let mut start_osc = |instant: Instant| -> std::io::Result<()> {
        let clock = Clock {
            instant,
            system: SystemTime::now() - instant.elapsed(),
            rate: config.rate as f64,
            latency_frames: (args.latency * config.rate as f64).round() as u64,
        };
        let (handle, stop, counts) = (handle.clone(), stop.clone(), counts.clone());
        let socket = socket.try_clone()?;
        receiver = Some(
            std::thread::Builder::new()
                .name("tutti-osc".into())
                .spawn(move || receive(&socket, &handle, clock, &counts, &stop))?,
        );
        Ok(())
    };
    let result = if args.stdout {
        to_stdout(playback, &args, &mut start_osc, &stop)
    } else {
        to_device(playback, &args, &mut start_osc, &stop)
    };
    stop.store(true, Ordering::Relaxed);
    if let Some(r) = receiver {
        let _ = r.join();
    }
    report(&counts, &handle);
    result
}

fn check(args: &ServeArgs) -> Result<(), CliError> {
    if !args.dirt {
        return Err(
            "serve: only --dirt (SuperDirt's /dirt/play protocol) is implemented; add --dirt"
                .into(),
        );
    }
    if !(0.0..=10.0).contains(&args.latency) {
        return Err(format!(
            "serve: --latency {} s is out of range (0 to 10)",
            args.latency
        )
        .into());
    }
    Ok(())
}

/// A song of live voices only.
fn start_song(args: &ServeArgs, config: &EngineConfig) -> Result<Playback, CliError> {
    let voices = VoiceSpec {
        config: VoiceConfig {
            max_voices: args.max_voices.max(1),
            ..VoiceConfig::default()
        },
        samples_dir: args.samples.clone(),
        live: true,
        ..VoiceSpec::default()
    };
    let song = Song {
        voices,
        ..Song::default()
    };
    let pool = PoolConfig {
        threads: 1,
        ..PoolConfig::default()
    };
    let playback = song.start(config, RenderMode::RealTime, &pool)?;
    for w in playback.voices.take_warnings() {
        eprintln!("warning: {w}");
    }
    Ok(playback)
}

/// The stream on stdout, paced to the clock that OSC timestamps are mapped through.
fn to_stdout(
    mut playback: Playback,
    args: &ServeArgs,
    start_osc: &mut dyn FnMut(Instant) -> std::io::Result<()>,
    stop: &AtomicBool,
) -> Result<(), CliError> {
    let rate = playback.renderer.config().rate;
    let start = Instant::now();
    start_osc(start)?;
    let pacing = Pacing {
        start,
        lead_frames: (LEAD_SECONDS * rate as f64) as u64,
    };
    let max_frames = args
        .duration
        .map(|s| (s.max(0.0) * rate as f64).round() as u64);
    let mut sink = StreamSink::new(std::io::stdout(), args.format, rate);
    stream(
        &mut playback.renderer,
        &mut sink,
        Some(pacing),
        max_frames,
        stop,
    )?;
    Ok(())
}

/// The sound card: the device pulls blocks from its callback; frame 0 is when it started.
#[cfg(feature = "device")]
fn to_device(
    playback: Playback,
    args: &ServeArgs,
    start_osc: &mut dyn FnMut(Instant) -> std::io::Result<()>,
    stop: &AtomicBool,
) -> Result<(), CliError> {
    let device = tutti::output::device::DeviceOutput::start(
        playback.renderer,
        args.device.as_deref(),
        args.buffer_ms,
    )?;
    let start = Instant::now();
    start_osc(start)?;
    let end = args.duration.map(|s| Duration::from_secs_f64(s.max(0.0)));
    while !stop.load(Ordering::Relaxed) && end.is_none_or(|e| start.elapsed() < e) {
        std::thread::sleep(Duration::from_millis(20));
    }
    device.stop();
    Ok(())
}

#[cfg(not(feature = "device"))]
fn to_device(
    _: Playback,
    _: &ServeArgs,
    _: &mut dyn FnMut(Instant) -> std::io::Result<()>,
    _: &AtomicBool,
) -> Result<(), CliError> {
    Err("serve: this tutti was built without the sound card (cargo feature `device`); use --stdout --format f32le, or rebuild with --features device".into())
}

fn report(counts: &Counts, voices: &VoiceHandle) {
    let s = voices.stats();
    eprintln!(
        "tutti serve: {} played, {} malformed, {} unknown sound, {} ignored, {} dropped (queue full); {} voices started, {} stolen, {} late",
        counts.played.load(Ordering::Relaxed),
        counts.malformed.load(Ordering::Relaxed),
        counts.unknown.load(Ordering::Relaxed),
        counts.ignored.load(Ordering::Relaxed),
        counts.dropped.load(Ordering::Relaxed) + s.dropped(),
        s.started(),
        s.stolen(),
        s.late()
    );
}

/// The OSC thread: receives packets until `stop`.
fn receive(
    socket: &UdpSocket,
    handle: &VoiceHandle,
    clock: Clock,
    counts: &Counts,
    stop: &AtomicBool,
) {
    let mut buf = vec![0u8; rosc::decoder::MTU];
    let mut warned = std::collections::HashSet::new();
    while !stop.load(Ordering::Relaxed) {
        let (len, from) = match socket.recv_from(&mut buf) {
            Ok(r) => r,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(_) => continue,
        };
        match rosc::decoder::decode_udp(&buf[..len]) {
            Ok((_, packet)) => {
                let mut ctx = Context {
                    handle,
                    clock,
                    counts,
                    warned: &mut warned,
                    socket,
                    from,
                };
                ctx.packet(packet, None);
            }
            Err(_) => {
                counts.malformed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

struct Context<'a> {
    handle: &'a VoiceHandle,
    clock: Clock,
    counts: &'a Counts,
    warned: &'a mut std::collections::HashSet<String>,
    socket: &'a UdpSocket,
    from: std::net::SocketAddr,
}

impl Context<'_> {
    fn packet(&mut self, packet: OscPacket, tag: Option<OscTime>) {
        match packet {
            OscPacket::Bundle(b) => {
                for p in b.content {
                    self.packet(p, Some(b.timetag));
                }
            }
            OscPacket::Message(m) => self.message(&m, tag),
        }
    }

    fn message(&mut self, m: &OscMessage, tag: Option<OscTime>) {
        match m.addr.as_str() {
            "/dirt/play" => self.play(m, tag),
            "/dirt/handshake" => {
                let reply = OscPacket::Message(OscMessage {
                    addr: "/dirt/handshake/reply".into(),
                    args: vec![],
                });
                if let Ok(bytes) = rosc::encoder::encode(&reply) {
                    let _ = self.socket.send_to(&bytes, self.from);
                }
            }
            _ => {
                self.counts.ignored.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn play(&mut self, m: &OscMessage, tag: Option<OscTime>) {
        let event = match DirtPlay::parse(&m.args) {
            Ok(e) => e,
            Err(_) => {
                self.counts.malformed.fetch_add(1, Ordering::Relaxed);
                return;
            }
        };
        let sound = match self.handle.library().find(&event.s, event.sample_index()) {
            Some(id) => Sound::Sample(id),
            None => match event.waveform() {
                Some(waveform) => Sound::Synth {
                    waveform,
                    freq_hz: 0.0,
                },
                None => {
                    self.counts.unknown.fetch_add(1, Ordering::Relaxed);
                    // Counted in the voice stats too, and warned once per name.
                    self.handle.sample(&event.s, event.sample_index());
                    if self.warned.len() < 1000 && self.warned.insert(event.s.clone()) {
                        eprintln!(
                            "warning: unknown sound '{}' (no such sample folder or synth)",
                            event.s
                        );
                    }
                    return;
                }
            },
        };
        let frame = self.clock.frame(tag);
        match self
            .handle
            .play(EventTime::Frames(frame), &event.to_params(sound))
        {
            Ok(_) => self.counts.played.fetch_add(1, Ordering::Relaxed),
            Err(tutti::voice::VoiceError::QueueFull(_)) => {
                self.counts.dropped.fetch_add(1, Ordering::Relaxed)
            }
            Err(_) => self.counts.malformed.fetch_add(1, Ordering::Relaxed),
        };
    }
}
