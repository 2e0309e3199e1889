//! The per-track pipeline a decoder thread runs: decode → stereo → engine rate.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use super::packets::open_tracks;
use super::{SourceError, SourceSpec, StereoMap, StreamResampler, TrackDecoder};

/// Produces a track's stereo frames at the engine rate, a piece at a time. Runs on decoder
/// threads (never the audio thread), so it may allocate and do I/O.
pub trait FrameReader: Send {
    /// Appends the next interleaved stereo frames to `out`; returns `false` once the track has
    /// ended (possibly after appending its last frames). Problems that do not stop the track
    /// (a corrupt packet) and those that do are both reported through `warn`.
    fn read(&mut self, out: &mut Vec<f32>, warn: &mut dyn FnMut(String)) -> bool;

    /// Repositions the reader so that its next frame is frame `frame` (engine rate, from the
    /// track's start). The error says why it cannot.
    fn seek(&mut self, frame: u64) -> Result<(), String> {
        let _ = frame;
        Err("this source cannot seek".into())
    }
}

/// Where a [`TrackReader`] gets its samples.
enum Input {
    Decoder(Box<TrackDecoder>),
    Memory { samples: Arc<[f32]>, pos: usize },
}

/// Samples of in-memory audio handed out per read.
const MEMORY_PIECE_SAMPLES: usize = 8192;

/// A track's source turned into stereo at the engine rate.
pub struct TrackReader {
    spec: SourceSpec,
    engine_rate: u32,
    skip_frames: u64,
    input: Input,
    map: StereoMap,
    resampler: Option<StreamResampler>,
    raw: Vec<f32>,
    stereo: Vec<f32>,
}

/// The readers for a song's sources, and what can be observed of the shared demuxers.
pub struct OpenedSources {
    /// One reader per source, in order.
    pub readers: Vec<TrackReader>,
    /// For each container read by a shared demuxer: the most packets ever queued for one track.
    pub demux_peaks: Vec<Arc<AtomicUsize>>,
}

/// Opens every source for an engine at `engine_rate` Hz. Tracks of the same container share one
/// demuxer. Errors (missing file, unknown track, unsupported codec) come here, before anything
/// plays.
pub fn open_readers(specs: &[SourceSpec], engine_rate: u32) -> Result<OpenedSources, SourceError> {
    let mut decoders: Vec<Option<TrackDecoder>> = specs.iter().map(|_| None).collect();
    let mut demux_peaks = Vec::new();
    // Group the container tracks by file; a track asked for twice gets a reader of its own.
    let mut groups: BTreeMap<(PathBuf, usize), Vec<(usize, usize)>> = BTreeMap::new();
    for (i, spec) in specs.iter().enumerate() {
        if let SourceSpec::Track { path, number } = spec {
            let mut copy = 0;
            while groups
                .get(&(path.clone(), copy))
                .is_some_and(|g| g.iter().any(|&(_, n)| n == *number))
            {
                copy += 1;
            }
            groups
                .entry((path.clone(), copy))
                .or_default()
                .push((i, *number));
        }
    }
    for ((path, _), members) in groups {
        let numbers: Vec<usize> = members.iter().map(|&(_, n)| n).collect();
        let (packets, params, peak) = open_tracks(&path, &numbers)?;
        demux_peaks.extend(peak);
        for ((i, number), (packets, params)) in
            members.into_iter().zip(packets.into_iter().zip(params))
        {
            decoders[i] = Some(TrackDecoder::new(&path, Some(number), packets, &params)?);
        }
    }
    let readers = specs
        .iter()
        .zip(decoders)
        .map(|(spec, decoder)| TrackReader::open(spec, decoder, engine_rate))
        .collect::<Result<_, _>>()?;
    Ok(OpenedSources {
        readers,
        demux_peaks,
    })
}

impl TrackReader {
    /// Opens `spec` (using `decoder` when the caller already opened its track).
    fn open(
        spec: &SourceSpec,
        decoder: Option<TrackDecoder>,
        engine_rate: u32,
    ) -> Result<Self, SourceError> {
        let decoder = match (spec, decoder) {
            (_, Some(d)) => Some(d),
            (SourceSpec::File(path), None) => {
                let number = super::packets::default_audio_track(path)?;
                let (mut packets, params, _) = open_tracks(path, &[number])?;
                Some(TrackDecoder::new(
                    path,
                    None,
                    packets.remove(0),
                    &params[0],
                )?)
            }
            _ => None,
        };
        let (input, map, rate) = match (decoder, spec) {
            (Some(dec), _) => {
                let map = StereoMap::new(dec.channels(), dec.channel_count());
                let rate = dec.rate();
                (Input::Decoder(Box::new(dec)), map, rate)
            }
            (
                None,
                SourceSpec::Memory {
                    samples,
                    channels,
                    rate,
                },
            ) => (
                Input::Memory {
                    samples: samples.clone(),
                    pos: 0,
                },
                StereoMap::new(None, *channels),
                *rate,
            ),
            (None, _) => {
                let path = spec.path().map(|p| p.to_path_buf()).unwrap_or_default();
                return Err(SourceError::Invalid {
                    path,
                    reason: "no decoder for this source".into(),
                });
            }
        };
        let resampler = if rate == engine_rate {
            None
        } else {
            let r = StreamResampler::new(rate, engine_rate).map_err(|reason| {
                SourceError::Unsupported {
                    path: spec
                        .path()
                        .map_or_else(|| "<memory>".into(), |p| p.to_path_buf()),
                    reason: format!("cannot resample {rate} Hz to {engine_rate} Hz: {reason}"),
                }
            })?;
            Some(r)
        };
        Ok(Self {
            spec: spec.clone(),
            engine_rate,
            skip_frames: 0,
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
            Input::Decoder(dec) => dec.decode_next(&mut self.raw, warn),
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
        let start = out.len();
        let more = self.read_piece(out, warn);
        if self.skip_frames > 0 {
            let drop = self.skip_frames.min(((out.len() - start) / 2) as u64);
            out.drain(start..start + drop as usize * 2);
            self.skip_frames -= drop;
        }
        more
    }

    /// Seeks exactly. PCM and FLAC at the engine rate seek in the file
    /// ([`TrackDecoder::seek`]); anything else reopens the source and decodes (and drops)
    /// everything before `frame`, so that the frames that follow are bit for bit those an offline
    /// render plays there, resampling and all, at a cost proportional to `frame`, on a decoder
    /// thread.
    fn seek(&mut self, frame: u64) -> Result<(), String> {
        if let (Input::Decoder(dec), None) = (&mut self.input, &self.resampler) {
            if dec.seek(frame).is_ok() {
                self.skip_frames = 0;
                return Ok(());
            }
        }
        let mut fresh = open_readers(std::slice::from_ref(&self.spec), self.engine_rate)
            .map_err(|e| format!("{e} (while seeking)"))?
            .readers
            .pop()
            .ok_or("nothing to seek")?;
        fresh.skip_frames = frame;
        *self = fresh;
        Ok(())
    }
}

impl TrackReader {
    /// Reads, converts and resamples the next piece into `out`; false at the end.
    fn read_piece(&mut self, out: &mut Vec<f32>, warn: &mut dyn FnMut(String)) -> bool {
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
