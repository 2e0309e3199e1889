//! Raw audio to a byte stream (stdout): interleaved stereo `f32le`, and a loop that pulls blocks
//! from the renderer paced to real time.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{BlockSink, OutputError};
use crate::render::Renderer;

/// Writes blocks as raw interleaved little-endian 32-bit floats, flushing after every block so a
/// reader gets them at once.
pub struct StdoutSink<W: Write> {
    out: W,
    bytes: Vec<u8>,
}

impl StdoutSink<std::io::Stdout> {
    /// A sink on the process's standard output.
    pub fn stdout() -> Self {
        Self::new(std::io::stdout())
    }
}

impl<W: Write> StdoutSink<W> {
    /// A sink on any writer.
    pub fn new(out: W) -> Self {
        Self {
            out,
            bytes: Vec::new(),
        }
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> BlockSink for StdoutSink<W> {
    fn write_block(&mut self, interleaved: &[f32]) -> Result<(), OutputError> {
        self.bytes.clear();
        self.bytes
            .extend(interleaved.iter().flat_map(|s| s.to_le_bytes()));
        let error = |source| OutputError::Write {
            path: PathBuf::from("<stdout>"),
            source,
        };
        self.out.write_all(&self.bytes).map_err(error)?;
        self.out.flush().map_err(error)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_little_endian_floats() {
        let mut sink = StdoutSink::new(Vec::new());
        sink.write_block(&[1.0, -0.5]).unwrap();
        let bytes = sink.into_inner();
        assert_eq!(
            bytes,
            [1.0f32.to_le_bytes(), (-0.5f32).to_le_bytes()].concat()
        );
    }
}
