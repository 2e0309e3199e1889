//! Where a track's packets come from: a reader of its own, or a container's shared demuxer.
//!
//! A Matroska song holds many tracks in one file, their packets interleaved. One [`Demux`] per
//! container reads the file once and routes each packet to a bounded queue of the track it
//! belongs to; each track's decoder takes its packets from its queue. Whichever decoder thread
//! needs a packet drives the shared reader (under a mutex, on decoder threads only — never the
//! audio thread).
//!
//! **Backpressure without deadlock.** A track whose ring is full stops taking packets, and its
//! queue fills. If the demuxer then meets a packet for a track whose queue is full (a badly
//! interleaved file: one track's packets long before the others', or very different packet
//! durations), it does not grow the queue and does not stall the other tracks: it *detaches*
//! that track. A detached track first drains its queue, then reads the file with a second cursor
//! of its own, skipping the packets it has already been given. So the demuxer always makes
//! progress, memory stays bounded (at most [`QUEUE_PACKETS`] packets per track), and each track
//! still sees every one of its packets exactly once, in order — the output is byte-identical to
//! decoding each track from a file of its own.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use symphonia::core::formats::FormatReader;
use symphonia::core::packet::Packet;

use super::info::open_format;
use super::SourceError;

/// The most packets queued for one track before it is detached to a cursor of its own.
pub const QUEUE_PACKETS: usize = 64;

/// Reads the packets of one track with a format reader of its own.
pub struct OwnReader {
    pub(super) format: Box<dyn FormatReader>,
    pub(super) track_id: u32,
    skip_packets: u64,
}

impl OwnReader {
    /// A reader for track `track_id` of an already opened file.
    pub fn new(format: Box<dyn FormatReader>, track_id: u32) -> Self {
        Self {
            format,
            track_id,
            skip_packets: 0,
        }
    }

    /// The next packet of the track; `None` at the end (or after an error, reported to `warn`).
    pub fn next(&mut self, warn: &mut dyn FnMut(String)) -> Option<Packet> {
        loop {
            match self.format.next_packet() {
                Ok(Some(p)) if p.track_id != self.track_id => continue,
                Ok(Some(_)) if self.skip_packets > 0 => self.skip_packets -= 1,
                Ok(Some(p)) => return Some(p),
                Ok(None) => return None,
                Err(e) => {
                    warn(format!("reading stopped: {e}"));
                    return None;
                }
            }
        }
    }
}

/// One track's place in a shared demuxer.
struct Route {
    queue: VecDeque<Packet>,
    routed: u64,
    detached: bool,
}

/// A container's shared reader and the queues of its selected tracks.
pub struct Demux {
    path: PathBuf,
    format: Box<dyn FormatReader>,
    routes: HashMap<u32, Route>,
    ended: bool,
    error: Option<String>,
    peak_queued: Arc<AtomicUsize>,
}

impl Demux {
    /// A demuxer that routes the packets of `track_ids` and drops the others.
    pub fn new(path: &Path, format: Box<dyn FormatReader>, track_ids: &[u32]) -> Self {
        let routes = track_ids
            .iter()
            .map(|&id| {
                (
                    id,
                    Route {
                        queue: VecDeque::new(),
                        routed: 0,
                        detached: false,
                    },
                )
            })
            .collect();
        Self {
            path: path.to_path_buf(),
            format,
            routes,
            ended: false,
            error: None,
            peak_queued: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The largest number of packets that were ever queued for one track.
    pub fn peak_queued(&self) -> Arc<AtomicUsize> {
        self.peak_queued.clone()
    }

    /// Reads one packet and routes it. False once the file has ended.
    fn pump(&mut self) -> bool {
        if self.ended {
            return false;
        }
        let packet = match self.format.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => {
                self.ended = true;
                return false;
            }
            Err(e) => {
                self.error = Some(format!("reading stopped: {e}"));
                self.ended = true;
                return false;
            }
        };
        if let Some(route) = self.routes.get_mut(&packet.track_id) {
            if route.detached {
                return true;
            }
            if route.queue.len() >= QUEUE_PACKETS {
                route.detached = true;
                return true;
            }
            route.queue.push_back(packet);
            route.routed += 1;
            self.peak_queued
                .fetch_max(route.queue.len(), Ordering::Relaxed);
        }
        true
    }
}

/// A track fed by a shared [`Demux`].
pub struct SharedTrack {
    demux: Arc<Mutex<Demux>>,
    track_id: u32,
    own: Option<OwnReader>,
}

impl SharedTrack {
    /// Track `track_id` of the container behind `demux`.
    pub fn new(demux: Arc<Mutex<Demux>>, track_id: u32) -> Self {
        Self {
            demux,
            track_id,
            own: None,
        }
    }

    /// The next packet of the track; `None` at the end.
    pub fn next(&mut self, warn: &mut dyn FnMut(String)) -> Option<Packet> {
        if let Some(own) = &mut self.own {
            return own.next(warn);
        }
        let mut d = self.demux.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let route = d.routes.get_mut(&self.track_id)?;
            if let Some(p) = route.queue.pop_front() {
                return Some(p);
            }
            if route.detached {
                let skip = route.routed;
                let path = d.path.clone();
                drop(d);
                return self.detach(&path, skip, warn);
            }
            if !d.pump() {
                if let Some(e) = &d.error {
                    warn(e.clone());
                }
                // Queued packets may remain for this track after the end.
                let route = d.routes.get_mut(&self.track_id)?;
                return route.queue.pop_front();
            }
        }
    }

    /// Switches to a cursor of our own that skips the `skip` packets already received.
    fn detach(&mut self, path: &Path, skip: u64, warn: &mut dyn FnMut(String)) -> Option<Packet> {
        match open_format(path) {
            Ok(format) => {
                let mut own = OwnReader::new(format, self.track_id);
                own.skip_packets = skip;
                self.own = Some(own);
                self.own.as_mut()?.next(warn)
            }
            Err(e) => {
                warn(format!("cannot reopen for a second read cursor: {e}"));
                None
            }
        }
    }
}

/// A track's packet source.
pub enum Packets {
    /// Its own reader.
    Own(OwnReader),
    /// A container's shared demuxer.
    Shared(SharedTrack),
}

impl Packets {
    /// The next packet; `None` at the end.
    pub fn next(&mut self, warn: &mut dyn FnMut(String)) -> Option<Packet> {
        match self {
            Packets::Own(r) => r.next(warn),
            Packets::Shared(s) => s.next(warn),
        }
    }
}

/// Opens `path` for the tracks `numbers` (1-based, file order) and returns one packet source per
/// track plus the container's parameters per track, checking that each number exists and is
/// audio.
pub fn open_tracks(path: &Path, numbers: &[usize]) -> Result<OpenedTracks, SourceError> {
    let format = open_format(path)?;
    let params = numbers
        .iter()
        .map(|&n| TrackParams::of(path, format.as_ref(), n))
        .collect::<Result<Vec<_>, _>>()?;
    if numbers.len() == 1 {
        let reader = OwnReader::new(format, params[0].id);
        return Ok((vec![Packets::Own(reader)], params, None));
    }
    let ids: Vec<u32> = params.iter().map(|p| p.id).collect();
    let demux = Demux::new(path, format, &ids);
    let peak = demux.peak_queued();
    let demux = Arc::new(Mutex::new(demux));
    let packets = ids
        .iter()
        .map(|&id| Packets::Shared(SharedTrack::new(demux.clone(), id)))
        .collect();
    Ok((packets, params, Some(peak)))
}

/// Packet sources and parameters for each requested track, and, when they share a demuxer,
/// its peak queue length.
pub type OpenedTracks = (Vec<Packets>, Vec<TrackParams>, Option<Arc<AtomicUsize>>);

/// What a decoder needs to know of its track.
#[derive(Clone)]
pub struct TrackParams {
    /// The container's id of the track.
    pub id: u32,
    /// Its codec parameters.
    pub codec: symphonia::core::codecs::audio::AudioCodecParameters,
    /// Its time base.
    pub time_base: Option<symphonia::core::units::TimeBase>,
    /// The container's short name ("isomp4", "mkv", …).
    pub format: &'static str,
}

impl TrackParams {
    fn of(path: &Path, format: &dyn FormatReader, number: usize) -> Result<Self, SourceError> {
        use symphonia::core::codecs::CodecParameters;
        let tracks = format.tracks();
        let track = tracks
            .get(number.wrapping_sub(1))
            .ok_or_else(|| SourceError::NoTrack {
                path: path.to_path_buf(),
                number,
                count: tracks.len(),
            })?;
        let Some(CodecParameters::Audio(codec)) = &track.codec_params else {
            return Err(SourceError::Invalid {
                path: path.to_path_buf(),
                reason: format!("track {number} is not audio"),
            });
        };
        Ok(Self {
            id: track.id,
            codec: codec.clone(),
            time_base: track.time_base,
            format: format.format_info().short_name,
        })
    }
}

/// The number of the first audio track of `path`, as symphonia's default track.
pub fn default_audio_track(path: &Path) -> Result<usize, SourceError> {
    use symphonia::core::formats::TrackType;
    let format = open_format(path)?;
    let id = format
        .default_track(TrackType::Audio)
        .ok_or_else(|| SourceError::NoAudio {
            path: path.to_path_buf(),
        })?
        .id;
    Ok(format
        .tracks()
        .iter()
        .position(|t| t.id == id)
        .map_or(1, |i| i + 1))
}
