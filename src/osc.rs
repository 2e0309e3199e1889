//! Live control over OSC (UDP): `/tutti/...` messages drive an [`Engine`].
//!
//! | address | arguments | effect |
//! |---|---|---|
//! | `/tutti/play` | | play |
//! | `/tutti/pause` | | pause |
//! | `/tutti/stop` | | stop, back to the start |
//! | `/tutti/seek` | seconds (f) | seek, sample-exact |
//! | `/tutti/master` | linear gain (f) | master volume |
//! | `/tutti/track/gain` | track (i, from 1), dB (f) | track gain |
//! | `/tutti/track/pan` | track (i), pan −1..1 (f) | track pan |
//! | `/tutti/track/mute` | track (i), 0/1 (i) | mute |
//! | `/tutti/track/solo` | track (i), 0/1 (i) | solo |
//! | `/tutti/status` | | replies to the sender: `/tutti/status` position s (f), playing (i), blocks (i), underruns (i), p50 % (f), p99 % (f), max % (f), packets ignored as malformed or unknown (i) |
//!
//! Numbers may be sent as int, float or double. Bundles are applied at once, message by message.
//! Malformed packets, unknown addresses and bad arguments are counted and ignored; they never
//! stop the server or touch the audio thread.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use rosc::{OscMessage, OscPacket, OscType};

use crate::render::Engine;

/// What the OSC server has seen.
#[derive(Debug, Default)]
pub struct OscStats {
    /// Messages applied.
    pub handled: AtomicU64,
    /// Packets that were not valid OSC, and messages with wrong arguments.
    pub malformed: AtomicU64,
    /// Messages to addresses tutti does not know.
    pub unknown: AtomicU64,
}

/// A running OSC server; it stops when `stop` is set (checked every 100 ms).
pub struct OscServer {
    /// The address it listens on.
    pub local_addr: SocketAddr,
    /// Its counters.
    pub stats: Arc<OscStats>,
    thread: JoinHandle<()>,
}

impl OscServer {
    /// Binds `addr` and serves `engine` on a thread of its own.
    ///
    /// # Errors
    /// If the address cannot be bound.
    pub fn start(
        engine: Arc<Engine>,
        addr: SocketAddr,
        stop: Arc<AtomicBool>,
    ) -> std::io::Result<Self> {
        let socket = UdpSocket::bind(addr)?;
        socket.set_read_timeout(Some(Duration::from_millis(100)))?;
        let local_addr = socket.local_addr()?;
        let stats = Arc::new(OscStats::default());
        let thread_stats = stats.clone();
        let thread = std::thread::Builder::new()
            .name("tutti-osc".into())
            .spawn(move || {
                let mut buf = [0u8; rosc::decoder::MTU];
                while !stop.load(Ordering::Relaxed) {
                    if let Ok((n, from)) = socket.recv_from(&mut buf) {
                        handle_packet(&engine, &socket, from, &buf[..n], &thread_stats);
                    }
                }
            })?;
        Ok(Self {
            local_addr,
            stats,
            thread,
        })
    }

    /// Waits for the server thread to finish (after `stop` was set).
    pub fn join(self) {
        let _ = self.thread.join();
    }
}

fn handle_packet(
    engine: &Engine,
    socket: &UdpSocket,
    from: SocketAddr,
    bytes: &[u8],
    stats: &OscStats,
) {
    match rosc::decoder::decode_udp(bytes) {
        Ok((_, packet)) => handle(engine, socket, from, packet, stats),
        Err(_) => {
            stats.malformed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn handle(
    engine: &Engine,
    socket: &UdpSocket,
    from: SocketAddr,
    packet: OscPacket,
    stats: &OscStats,
) {
    match packet {
        OscPacket::Bundle(b) => b
            .content
            .into_iter()
            .for_each(|p| handle(engine, socket, from, p, stats)),
        OscPacket::Message(m) => {
            let counter = match apply(engine, socket, from, &m, stats) {
                Outcome::Done => &stats.handled,
                Outcome::Unknown => &stats.unknown,
                Outcome::Malformed => &stats.malformed,
            };
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }
}

enum Outcome {
    Done,
    Unknown,
    Malformed,
}

fn number(arg: Option<&OscType>) -> Option<f64> {
    match arg? {
        OscType::Float(f) => Some(*f as f64),
        OscType::Double(d) => Some(*d),
        OscType::Int(i) => Some(*i as f64),
        OscType::Long(l) => Some(*l as f64),
        _ => None,
    }
}

fn track_index(arg: Option<&OscType>) -> Option<usize> {
    number(arg)
        .filter(|n| n.fract() == 0.0 && *n >= 1.0)
        .map(|n| n as usize)
}

fn apply(
    engine: &Engine,
    socket: &UdpSocket,
    from: SocketAddr,
    m: &OscMessage,
    stats: &OscStats,
) -> Outcome {
    let (a0, a1) = (m.args.first(), m.args.get(1));
    let result = match m.addr.as_str() {
        "/tutti/play" => engine.play(),
        "/tutti/pause" => engine.pause(),
        "/tutti/stop" => engine.stop(),
        "/tutti/seek" => match number(a0) {
            Some(s) => engine.seek(s),
            None => return Outcome::Malformed,
        },
        "/tutti/master" => match number(a0) {
            Some(g) => engine.set_master_gain(g as f32),
            None => return Outcome::Malformed,
        },
        "/tutti/track/gain" | "/tutti/track/pan" | "/tutti/track/mute" | "/tutti/track/solo" => {
            let (Some(track), Some(value)) = (track_index(a0), number(a1)) else {
                return Outcome::Malformed;
            };
            let value = value as f32;
            engine.update_track(track, |c| match m.addr.as_str() {
                "/tutti/track/gain" => c.gain_db = value,
                "/tutti/track/pan" => c.pan = value,
                "/tutti/track/mute" => c.mute = value != 0.0,
                _ => c.solo = value != 0.0,
            })
        }
        "/tutti/status" => {
            reply_status(engine, socket, from, stats);
            Ok(())
        }
        _ => return Outcome::Unknown,
    };
    if result.is_ok() {
        Outcome::Done
    } else {
        Outcome::Malformed
    }
}

fn reply_status(engine: &Engine, socket: &UdpSocket, to: SocketAddr, stats: &OscStats) {
    let s = engine.stats();
    let report = s.budget_report();
    let ignored = stats.malformed.load(Ordering::Relaxed) + stats.unknown.load(Ordering::Relaxed);
    let message = OscMessage {
        addr: "/tutti/status".into(),
        args: vec![
            OscType::Float(engine.position_seconds() as f32),
            OscType::Int(s.is_playing() as i32),
            OscType::Int(s.blocks().min(i32::MAX as u64) as i32),
            OscType::Int(s.underruns().min(i32::MAX as u64) as i32),
            OscType::Float(report.p50_percent as f32),
            OscType::Float(report.p99_percent as f32),
            OscType::Float(report.max_percent as f32),
            OscType::Int(ignored.min(i32::MAX as u64) as i32),
        ],
    };
    if let Ok(bytes) = rosc::encoder::encode(&OscPacket::Message(message)) {
        let _ = socket.send_to(&bytes, to);
    }
}
