//! Outputs: where rendered blocks go. Every output pulls the same [`Renderer`]: the offline
//! driver [`render_offline`] pulls as fast as the decoders allow and hands each block to a
//! [`BlockSink`] (a file, or nothing for benchmarks); [`stream`] feeds a writer such as stdout,
//! paced to real time or not; the sound card (feature `device`) pulls from its callback.

#[cfg(feature = "device")]
pub mod device;
mod stream;
mod wav;

use std::path::PathBuf;

pub use stream::{stream, Pacing, StreamFormat, StreamSink};
pub use wav::WavFile;

use crate::render::Renderer;

/// Sample format of a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFormat {
    /// 16-bit integer with TPDF dither, clipped.
    I16,
    /// 24-bit integer, rounded and clipped.
    I24,
    /// 32-bit float, neither normalised nor clipped.
    F32,
}

impl std::str::FromStr for SampleFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "16" => Ok(Self::I16),
            "24" => Ok(Self::I24),
            "32f" | "32" | "f32" => Ok(Self::F32),
            other => Err(format!(
                "unsupported bit depth '{other}' (use 16, 24 or 32f)"
            )),
        }
    }
}

/// Why an output failed.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Writing the file failed.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The sound card refused or failed.
    #[error("sound card: {0}")]
    Device(String),
    /// The file type is not one tutti writes.
    #[error("{}: unsupported output type (tutti writes .wav)", path.display())]
    UnsupportedType {
        /// The file.
        path: PathBuf,
    },
}

/// Something that takes rendered blocks.
pub trait BlockSink {
    /// Takes one block of interleaved stereo frames.
    fn write_block(&mut self, interleaved: &[f32]) -> Result<(), OutputError>;
}

/// A sink that discards everything (benchmarks).
pub struct NullSink;

impl BlockSink for NullSink {
    fn write_block(&mut self, _: &[f32]) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Renders until every track has ended and the effects' tails have rung out, writing exactly the
/// material's frames plus [`Renderer::tail_frames`] (the last block is cut there). `progress` is
/// called after each block with the frames
/// rendered so far. Returns the number of frames written.
pub fn render_offline(
    renderer: &mut Renderer,
    sink: &mut dyn BlockSink,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, OutputError> {
    let mut block = vec![0.0f32; renderer.config().block_frames * 2];
    loop {
        let start = renderer.position_frames();
        renderer.process(&mut block);
        let end = renderer
            .end_frame()
            .map(|end| end + renderer.tail_frames() as u64);
        let frames = match end {
            Some(end) => end
                .saturating_sub(start)
                .min(renderer.config().block_frames as u64) as usize,
            None => renderer.config().block_frames,
        };
        sink.write_block(&block[..frames * 2])?;
        progress(start + frames as u64);
        if let Some(end) = end.filter(|&end| start + frames as u64 >= end) {
            return Ok(end);
        }
    }
}
