//! Sources: where a track's audio comes from, decoded off the audio thread into lock-free rings.
//!
//! A [`TrackReader`] turns a file, a track of a container, or in-memory audio into stereo frames
//! at the engine rate: read packets ([`packets`]: a track's own reader, or a container's shared
//! demuxer), decode with symphonia ([`TrackDecoder`]), fold channels to stereo ([`StereoMap`])
//! and resample with rubato ([`StreamResampler`]). The [`DecodePool`] runs every track's reader on a few shared
//! threads and pushes the frames into one bounded SPSC ring per track; a full ring makes its
//! reader wait, so nothing is ever dropped and memory stays bounded.

mod channels;
mod decoder;
mod info;
mod ir;
mod matroska;
mod mp4_edit;
pub mod packets;
mod pool;
mod reader;
mod resample;
pub mod ring;

use std::path::{Path, PathBuf};

pub use channels::StereoMap;
pub use decoder::{decode_file, TrackDecoder};
pub use info::{attachment, probe, MediaInfo, TrackInfo};
pub use ir::load_impulse_response;
pub use pool::{DecodePool, PoolConfig};
pub use reader::{open_readers, FrameReader, OpenedSources, TrackReader};
pub use resample::StreamResampler;

/// Where a track's audio comes from.
#[derive(Debug, Clone)]
pub enum SourceSpec {
    /// The first audio track of a file (WAV, AIFF, FLAC, MP3, Ogg Vorbis, AAC/M4A, Matroska).
    File(PathBuf),
    /// Track `number` (1-based, in file order, as `tutti info` shows it) of a file, typically a
    /// Matroska container holding many tracks.
    Track {
        /// The file.
        path: PathBuf,
        /// The track's number.
        number: usize,
    },
    /// Audio already in memory: interleaved samples with their channel count and rate.
    Memory {
        /// Interleaved samples.
        samples: std::sync::Arc<[f32]>,
        /// Channels per frame.
        channels: usize,
        /// Sample rate in Hz.
        rate: u32,
    },
}

/// Why a source could not be opened or read. Each message names the file and the problem.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The file could not be opened.
    #[error("{}: cannot open: {source}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The format or codec is not supported, or the data is not audio at all.
    #[error("{}: {reason}", path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What is unsupported.
        reason: String,
    },
    /// The file has no track with that number.
    #[error("{}: track {number} does not exist (the file has {count} tracks)", path.display())]
    NoTrack {
        /// The file.
        path: PathBuf,
        /// The number asked for.
        number: usize,
        /// How many tracks there are.
        count: usize,
    },
    /// The file has no audio track.
    #[error("{}: no audio track", path.display())]
    NoAudio {
        /// The file.
        path: PathBuf,
    },
    /// The file's data is corrupt or inconsistent.
    #[error("{}: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

impl SourceSpec {
    /// The file this source reads, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            SourceSpec::File(p) | SourceSpec::Track { path: p, .. } => Some(p),
            SourceSpec::Memory { .. } => None,
        }
    }
}

impl SourceError {
    fn from_symphonia(path: &Path, err: symphonia::core::errors::Error, unsupported: &str) -> Self {
        use symphonia::core::errors::Error as E;
        let path = path.to_path_buf();
        match err {
            E::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Self::Invalid {
                path,
                reason: "file is truncated or empty".into(),
            },
            E::IoError(source) => Self::Open { path, source },
            E::Unsupported(what) => Self::Unsupported {
                path,
                reason: format!("{unsupported}: {what}"),
            },
            E::DecodeError(what) => Self::Invalid {
                path,
                reason: format!("corrupt data: {what}"),
            },
            other => Self::Unsupported {
                path,
                reason: format!("{unsupported}: {other}"),
            },
        }
    }
}
