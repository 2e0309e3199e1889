//! A stream paced to a wall clock shared with its caller: song frame `n` is written no earlier
//! than `start + n / rate` (minus a small lead), and it stops after a set number of frames. Used
//! by `tutti serve`, whose OSC timestamps are mapped to frames through the same clock.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{BlockSink, OutputError};
use crate::render::Renderer;

/// How [`render_paced`] runs.
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    /// The wall-clock instant of song frame 0.
    pub start: Instant,
    /// How far rendering may run ahead of the wall clock, in frames.
    pub lead_frames: u64,
    /// Stop after this many frames (the last block is cut), or run until `stop`.
    pub total_frames: Option<u64>,
}

/// Renders blocks into `sink` no faster than real time: song frame `n` is written no earlier
/// than `pacing.start + (n − lead_frames) / rate`. Returns the frames written when
/// `total_frames` is reached or `stop` is set.
///
/// # Errors
/// A write error from the sink (for example a closed pipe).
pub fn render_paced(
    renderer: &mut Renderer,
    sink: &mut dyn BlockSink,
    pacing: Pacing,
    stop: &AtomicBool,
) -> Result<u64, OutputError> {
    let block = renderer.config().block_frames;
    let rate = renderer.config().rate as f64;
    let mut buf = vec![0.0f32; block * 2];
    let mut written = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let left = pacing
            .total_frames
            .map_or(u64::MAX, |t| t.saturating_sub(written));
        if left == 0 {
            break;
        }
        let due = (pacing.start.elapsed().as_secs_f64() * rate) as u64 + pacing.lead_frames;
        if written >= due {
            let wait = (written + 1 - due) as f64 / rate;
            std::thread::sleep(Duration::from_secs_f64(wait.clamp(0.0002, 0.002)));
            continue;
        }
        renderer.process(&mut buf);
        let frames = (block as u64).min(left) as usize;
        sink.write_block(&buf[..frames * 2])?;
        written += frames as u64;
    }
    Ok(written)
}
