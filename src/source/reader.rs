//! The per-track pipeline a decoder thread runs: decode → stereo → engine rate.

use std::sync::Arc;

use super::{FileDecoder, SourceError, SourceSpec, StereoMap, StreamResampler};

/// Produces a track's stereo frames at the engine rate, a piece at a time. Runs on decoder
/// threads (never the audio thread), so it may allocate and do I/O.
pub trait FrameReader: Send {
    /// Appends the next interleaved stereo frames to `out`; returns `false` once the track has
    /// ended (possibly after appending its last frames). Problems that do not stop the track
    /// (a corrupt packet) and those that do are both reported through `warn`.
    fn read(&mut self, out: &mut Vec<f32>, warn: &mut dyn FnMut(String)) -> bool;
}

/// Where a [`TrackReader`] gets its samples.
enum Input {
    File(FileDecoder),
    Memory { samples: Arc<[f32]>, pos: usize },
}

/// Samples of in-memory audio handed out per read.
const MEMORY_PIECE_SAMPLES: usize = 8192;

/// A track's source turned into stereo at the engine rate.
pub struct TrackReader {
    input: Input,
    map: StereoMap,
    resampler: Option<StreamResampler>,
    raw: Vec<f32>,
    stereo: Vec<f32>,
}

impl TrackReader {
    /// Opens `spec` for an engine running at `engine_rate` Hz. File errors (missing, unsupported
    /// codec, no audio) are reported here, before anything plays.
    pub fn open(spec: &SourceSpec, engine_rate: u32) -> Result<Self, SourceError> {
        let (input, map, rate) = match spec {
            SourceSpec::File(path) => {
                let dec = FileDecoder::open(path)?;
                let map = StereoMap::new(dec.channels(), dec.channel_count());
                let rate = dec.rate();
                (Input::File(dec), map, rate)
            }
            SourceSpec::Memory {
                samples,
                channels,
                rate,
            } => (
                Input::Memory {
                    samples: samples.clone(),
                    pos: 0,
                },
                StereoMap::new(None, *channels),
                *rate,
            ),
        };
        let resampler = if rate == engine_rate {
            None
        } else {
            let r = StreamResampler::new(rate, engine_rate).map_err(|reason| {
                SourceError::Unsupported {
                    path: spec_path(spec),
                    reason: format!("cannot resample {rate} Hz to {engine_rate} Hz: {reason}"),
                }
            })?;
            Some(r)
        };
        Ok(Self {
            input,
            map,
            resampler,
            raw: Vec::new(),
            stereo: Vec::new(),
        })
    }

    /// Reads the next piece of raw samples into `self.raw`; false at the end.
    fn read_raw(&mut self, warn: &mut dyn FnMut(String)) -> bool {
        self.raw.clear();
        match &mut self.input {
            Input::File(dec) => dec.decode_next(&mut self.raw, warn),
            Input::Memory { samples, pos } => {
                let frame = self.map.source_channels();
                let take = (MEMORY_PIECE_SAMPLES / frame * frame).min(samples.len() - *pos);
                self.raw.extend_from_slice(&samples[*pos..*pos + take]);
                *pos += take;
                take > 0
            }
        }
    }
}

impl FrameReader for TrackReader {
    fn read(&mut self, out: &mut Vec<f32>, warn: &mut dyn FnMut(String)) -> bool {
        let more = self.read_raw(warn);
        match &mut self.resampler {
            None => self.map.convert(&self.raw, out),
            Some(r) => {
                self.stereo.clear();
                self.map.convert(&self.raw, &mut self.stereo);
                r.process(&self.stereo, out);
                if !more {
                    r.finish(out);
                }
            }
        }
        more
    }
}

fn spec_path(spec: &SourceSpec) -> std::path::PathBuf {
    match spec {
        SourceSpec::File(p) => p.clone(),
        SourceSpec::Memory { .. } => "<memory>".into(),
    }
}
