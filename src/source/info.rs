//! What a file holds, without decoding it: `tutti info`, track lists and attachments.

use std::fs::File;
use std::path::{Path, PathBuf};

use serde::Serialize;
use symphonia::core::audio::Channels;
use symphonia::core::codecs::audio::AudioCodecId;
use symphonia::core::codecs::CodecParameters;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{Attachment, FormatOptions, FormatReader, Track};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;

use super::matroska;
use super::SourceError;

/// What `tutti info` reports about a file.
#[derive(Debug, Clone, Serialize)]
pub struct MediaInfo {
    /// The file.
    pub path: PathBuf,
    /// The container format, e.g. "FLAC" or "Matroska / WebM".
    pub format: String,
    /// Every track, audio or not, in file order.
    pub tracks: Vec<TrackInfo>,
    /// Names of attached files (Matroska), e.g. an embedded `tutti.toml`.
    pub attachments: Vec<String>,
}

impl MediaInfo {
    /// The numbers of the audio tracks.
    pub fn audio_tracks(&self) -> Vec<usize> {
        self.tracks
            .iter()
            .filter(|t| t.is_audio)
            .map(|t| t.number)
            .collect()
    }
}

/// One track of a file.
#[derive(Debug, Clone, Serialize)]
pub struct TrackInfo {
    /// The track's 1-based number in file order, as `tutti` commands refer to it.
    pub number: usize,
    /// The container's own identifier for the track (Matroska track number, Ogg serial, …).
    pub id: u32,
    /// True for an audio track.
    pub is_audio: bool,
    /// The track's name (Matroska `Name`), if any.
    pub name: Option<String>,
    /// The codec's short name, e.g. "flac", "pcm_s16le", "vorbis".
    pub codec: String,
    /// Sample rate in Hz.
    pub rate: Option<u32>,
    /// Number of channels.
    pub channels: Option<usize>,
    /// Bits per sample, for PCM and lossless codecs.
    pub bits: Option<u32>,
    /// Length in frames, when the container knows it.
    pub frames: Option<u64>,
    /// Length in seconds, when the container knows it.
    pub duration_seconds: Option<f64>,
    /// Language tag, if any.
    pub language: Option<String>,
}

/// Opens `path` with symphonia's probe.
///
/// A Matroska file cut short (its segment claims more bytes than the file has) is refused by
/// symphonia's demuxer when it knows the file's length; it is then opened again as a stream of
/// unknown length, so that its tracks play up to the cut and end with a warning.
pub(super) fn open_format(path: &Path) -> Result<Box<dyn FormatReader>, SourceError> {
    let file = File::open(path).map_err(|e| SourceError::Open {
        path: path.to_path_buf(),
        source: e,
    })?;
    let is_matroska = matroska::is_matroska(path);
    match probe_source(path, Box::new(file)) {
        Err(e) if is_matroska => {
            let file = File::open(path).map_err(|e| SourceError::Open {
                path: path.to_path_buf(),
                source: e,
            })?;
            probe_source(path, Box::new(UnknownLength(file))).map_err(|_| e)
        }
        result => result,
    }
}

fn probe_source(
    path: &Path,
    source: Box<dyn MediaSource>,
) -> Result<Box<dyn FormatReader>, SourceError> {
    let mss = MediaSourceStream::new(source, Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| SourceError::from_symphonia(path, e, "unrecognised or unsupported format"))
}

/// A file presented as a stream whose length is unknown.
struct UnknownLength(File);

impl std::io::Read for UnknownLength {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl std::io::Seek for UnknownLength {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.0.seek(pos)
    }
}

impl MediaSource for UnknownLength {
    fn is_seekable(&self) -> bool {
        false
    }

    fn byte_len(&self) -> Option<u64> {
        None
    }
}

/// Reads the container's description of `path` without decoding it.
pub fn probe(path: &Path) -> Result<MediaInfo, SourceError> {
    let format = open_format(path)?;
    let mkv = matroska::read_headers(path);
    let tracks = format
        .tracks()
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut info = track_info(i + 1, t);
            if let Some(m) = &mkv {
                info.name = m.names.get(&(t.id as u64)).cloned();
                if info.duration_seconds.is_none() {
                    info.duration_seconds = m.duration_seconds;
                }
            }
            info
        })
        .collect();
    let attachments = format
        .attachments()
        .iter()
        .filter_map(|a| match a {
            Attachment::File(f) => Some(f.name.clone()),
            _ => None,
        })
        .collect();
    Ok(MediaInfo {
        path: path.to_path_buf(),
        format: format.format_info().long_name.to_string(),
        tracks,
        attachments,
    })
}

/// The contents of the attached file called `name`, if the container has one.
pub fn attachment(path: &Path, name: &str) -> Result<Option<Vec<u8>>, SourceError> {
    let format = open_format(path)?;
    Ok(format.attachments().iter().find_map(|a| match a {
        Attachment::File(f) if f.name == name => Some(f.data.to_vec()),
        _ => None,
    }))
}

fn track_info(number: usize, track: &Track) -> TrackInfo {
    let audio = match &track.codec_params {
        Some(CodecParameters::Audio(a)) => Some(a),
        _ => None,
    };
    let rate = audio.and_then(|a| a.sample_rate);
    let frames = track.num_frames;
    let duration_seconds = match (frames, rate, track.time_base, track.duration) {
        (Some(n), Some(r), _, _) => Some(n as f64 / r as f64),
        (_, _, Some(tb), Some(d)) => tb.calc_duration(d).map(|t| t.as_secs_f64()),
        _ => None,
    };
    TrackInfo {
        number,
        id: track.id,
        is_audio: audio.is_some(),
        name: None,
        codec: audio
            .map(|a| codec_name(a.codec))
            .unwrap_or_else(|| "not audio".into()),
        rate,
        channels: audio.and_then(|a| a.channels.as_ref()).map(Channels::count),
        bits: audio.and_then(|a| a.bits_per_sample),
        frames,
        duration_seconds,
        language: track.language.clone(),
    }
}

/// The short name of a codec, or a description of one tutti cannot decode.
pub(super) fn codec_name(id: AudioCodecId) -> String {
    symphonia::default::get_codecs()
        .get_audio_decoder(id)
        .map(|d| d.codec.info.short_name.to_string())
        .unwrap_or_else(|| format!("unsupported codec ({id})"))
}
