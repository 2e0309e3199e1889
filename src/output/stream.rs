//! Streams of raw or WAV audio to any writer (stdout for pipes, servers and containers), paced
//! to real time or as fast as possible.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{BlockSink, OutputError};
use crate::dsp::TpdfDither;
use crate::render::Renderer;

/// The sample format of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    /// Raw interleaved stereo 32-bit float, little-endian.
    F32le,
    /// Raw interleaved stereo 16-bit integer, little-endian, TPDF-dithered and clipped.
    S16le,
    /// A WAV header for a stream of unknown length, then 32-bit float samples.
    Wav,
}

impl std::str::FromStr for StreamFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "f32le" => Ok(Self::F32le),
            "s16le" => Ok(Self::S16le),
            "wav" => Ok(Self::Wav),
            other => Err(format!(
                "unknown stream format '{other}' (use f32le, s16le or wav)"
            )),
        }
    }
}

/// A [`BlockSink`] that writes blocks to a writer in a [`StreamFormat`].
pub struct StreamSink<W: Write> {
    writer: W,
    format: StreamFormat,
    dither: TpdfDither,
    bytes: Vec<u8>,
    header: Option<Vec<u8>>,
}

impl<W: Write> StreamSink<W> {
    /// A stream at `rate` Hz into `writer`.
    pub fn new(writer: W, format: StreamFormat, rate: u32) -> Self {
        let header = (format == StreamFormat::Wav).then(|| {
            hound::WavSpec {
                channels: 2,
                sample_rate: rate,
                bits_per_sample: 32,
                sample_format: hound::SampleFormat::Float,
            }
            .into_header_for_infinite_file()
        });
        Self {
            writer,
            format,
            dither: TpdfDither::new(0x5eed),
            bytes: Vec::new(),
            header,
        }
    }

    fn write_all(&mut self, bytes_len: usize) -> Result<(), OutputError> {
        let result = match self.header.take() {
            Some(h) => self
                .writer
                .write_all(&h)
                .and_then(|_| self.writer.write_all(&self.bytes[..bytes_len])),
            None => self.writer.write_all(&self.bytes[..bytes_len]),
        };
        result
            .and_then(|_| self.writer.flush())
            .map_err(|source| OutputError::Write {
                path: "<stream>".into(),
                source,
            })
    }
}

impl<W: Write> BlockSink for StreamSink<W> {
    fn write_block(&mut self, interleaved: &[f32]) -> Result<(), OutputError> {
        self.bytes.clear();
        match self.format {
            StreamFormat::F32le | StreamFormat::Wav => {
                self.bytes
                    .extend(interleaved.iter().flat_map(|s| s.to_le_bytes()));
            }
            StreamFormat::S16le => {
                for &s in interleaved {
                    let q = self.dither.quantize(s, 16) as i16;
                    self.bytes.extend_from_slice(&q.to_le_bytes());
                }
            }
        }
        let n = self.bytes.len();
        self.write_all(n)
    }
}

/// Pacing to a wall clock: song frame `n` is written no earlier than
/// `start + (n − lead_frames) / rate`. The caller may share `start` with another clock (`tutti
/// serve` maps OSC timestamps through it).
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    /// The wall-clock instant of the stream's frame 0.
    pub start: Instant,
    /// How far rendering may run ahead of the wall clock, in frames.
    pub lead_frames: u64,
}

impl Pacing {
    /// Real time from now, with a lead of 50 ms at `rate` Hz.
    pub fn from_now(rate: u32) -> Self {
        Self {
            start: Instant::now(),
            lead_frames: rate as u64 / 20,
        }
    }
}

/// Pulls blocks from `renderer` into `sink` until the material ends (the last block cut to the
/// frame), `max_frames` have been written, `stop` is set, or the reader of the stream goes away
/// (a closed pipe ends the stream normally). With `pacing`, no faster than its clock; without it,
/// as fast as the sink takes them. Returns the frames written.
///
/// # Errors
/// A write error from the sink other than a closed pipe.
pub fn stream(
    renderer: &mut Renderer,
    sink: &mut dyn BlockSink,
    pacing: Option<Pacing>,
    max_frames: Option<u64>,
    stop: &AtomicBool,
) -> Result<u64, OutputError> {
    let rate = renderer.config().rate as f64;
    let block_frames = renderer.config().block_frames as u64;
    let mut block = vec![0.0f32; block_frames as usize * 2];
    let mut written = 0u64;
    let left = |written: u64| max_frames.map_or(u64::MAX, |m| m.saturating_sub(written));
    while !stop.load(Ordering::Relaxed) && left(written) > 0 {
        if let Some(p) = pacing {
            let due = (p.start.elapsed().as_secs_f64() * rate) as u64 + p.lead_frames;
            if written >= due {
                let wait = (written + 1 - due) as f64 / rate;
                std::thread::sleep(Duration::from_secs_f64(wait.clamp(0.0002, 0.002)));
                continue;
            }
        }
        let start = renderer.position_frames();
        let playing = renderer.is_playing();
        renderer.process(&mut block);
        let end = renderer.end_frame().filter(|_| playing);
        let material = end.map_or(block_frames, |e| e.saturating_sub(start).min(block_frames));
        let frames = material.min(left(written));
        match sink.write_block(&block[..frames as usize * 2]) {
            Err(OutputError::Write { source, .. })
                if source.kind() == std::io::ErrorKind::BrokenPipe =>
            {
                break
            }
            other => other?,
        }
        written += frames;
        if end.is_some_and(|e| e <= start + block_frames) {
            break;
        }
    }
    Ok(written)
}
