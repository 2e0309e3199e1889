//! Audio files decoded with symphonia: probing (`tutti info`) and packet-by-packet decoding.

use std::fs::File;
use std::path::{Path, PathBuf};

use serde::Serialize;
use symphonia::core::audio::Channels;
use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::codecs::CodecParameters;
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, Track, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

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
}

/// One track of a file.
#[derive(Debug, Clone, Serialize)]
pub struct TrackInfo {
    /// The track's number as the container gives it (1-based for Matroska).
    pub number: u32,
    /// True for an audio track.
    pub is_audio: bool,
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
fn open_format(path: &Path) -> Result<Box<dyn FormatReader>, SourceError> {
    let file = File::open(path).map_err(|e| SourceError::Open {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
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

/// Reads the container's description of `path` without decoding it.
pub fn probe(path: &Path) -> Result<MediaInfo, SourceError> {
    let format = open_format(path)?;
    let tracks = format.tracks().iter().map(track_info).collect();
    Ok(MediaInfo {
        path: path.to_path_buf(),
        format: format.format_info().long_name.to_string(),
        tracks,
    })
}

fn track_info(track: &Track) -> TrackInfo {
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
        number: track.id,
        is_audio: audio.is_some(),
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

fn codec_name(id: symphonia::core::codecs::audio::AudioCodecId) -> String {
    symphonia::default::get_codecs()
        .get_audio_decoder(id)
        .map(|d| d.codec.info.short_name.to_string())
        .unwrap_or_else(|| format!("unsupported codec ({id})"))
}

/// Decodes one audio track of a file, packet by packet, to interleaved f32 in the file's own
/// channel count and rate. Runs on a decoder thread, never on the audio thread.
pub struct FileDecoder {
    path: PathBuf,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    rate: u32,
    channels: Option<Channels>,
    channel_count: usize,
    frames_decoded: u64,
    scratch: Vec<f32>,
}

impl FileDecoder {
    /// Opens the first audio track of `path` with a decoder ready.
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        let format = open_format(path)?;
        let track = format
            .default_track(TrackType::Audio)
            .ok_or_else(|| SourceError::NoAudio {
                path: path.to_path_buf(),
            })?;
        let track_id = track.id;
        let Some(CodecParameters::Audio(params)) = track.codec_params.clone() else {
            return Err(SourceError::NoAudio {
                path: path.to_path_buf(),
            });
        };
        let decoder = symphonia::default::get_codecs()
            .make_audio_decoder(&params, &AudioDecoderOptions::default())
            .map_err(|e| {
                SourceError::from_symphonia(
                    path,
                    e,
                    &format!("unsupported codec ({})", params.codec),
                )
            })?;
        let rate = params.sample_rate.ok_or_else(|| SourceError::Invalid {
            path: path.to_path_buf(),
            reason: "the file does not state its sample rate".into(),
        })?;
        let channel_count = params
            .channels
            .as_ref()
            .map(Channels::count)
            .unwrap_or(1)
            .max(1);
        Ok(Self {
            path: path.to_path_buf(),
            format,
            decoder,
            track_id,
            rate,
            channels: params.channels,
            channel_count,
            frames_decoded: 0,
            scratch: Vec::new(),
        })
    }

    /// The file's sample rate in Hz.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// The channel layout, if the file states it.
    pub fn channels(&self) -> Option<&Channels> {
        self.channels.as_ref()
    }

    /// The number of interleaved channels that [`FileDecoder::decode_next`] produces.
    pub fn channel_count(&self) -> usize {
        self.channel_count
    }

    /// Decodes the next packet and appends its samples to `out`. Returns `false` at the end of
    /// the track. A corrupt packet is skipped and reported through `warn` with the file and
    /// position; an error the decoder cannot recover from ends the track with a warning.
    pub fn decode_next(&mut self, out: &mut Vec<f32>, warn: &mut dyn FnMut(String)) -> bool {
        loop {
            let packet = match self.format.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => return false,
                Err(e) => {
                    warn(format!(
                        "{}: decoding stopped at {}: {e}",
                        self.path.display(),
                        self.position()
                    ));
                    return false;
                }
            };
            if packet.track_id != self.track_id {
                continue;
            }
            match self.decoder.decode(&packet) {
                Ok(buf) => {
                    buf.copy_to_vec_interleaved(&mut self.scratch);
                    let buf_channels = buf.spec().channels().count().max(1);
                    self.frames_decoded += buf.frames() as u64;
                    if buf_channels == self.channel_count {
                        out.extend_from_slice(&self.scratch);
                    } else {
                        warn(format!(
                            "{}: packet at {} changed its channel count; skipped",
                            self.path.display(),
                            self.position()
                        ));
                    }
                    return true;
                }
                Err(SymphoniaError::DecodeError(e)) => {
                    warn(format!(
                        "{}: corrupt packet at {} skipped: {e}",
                        self.path.display(),
                        self.position()
                    ));
                }
                Err(e) => {
                    warn(format!(
                        "{}: decoding stopped at {}: {e}",
                        self.path.display(),
                        self.position()
                    ));
                    return false;
                }
            }
        }
    }

    /// The decode position as text, e.g. "12.345 s".
    fn position(&self) -> String {
        format!("{:.3} s", self.frames_decoded as f64 / self.rate as f64)
    }
}

/// Decodes a whole file to interleaved f32 in its own channel count and rate. For tests and
/// tools; the engine streams instead. Returns `(samples, channels, rate)`.
pub fn decode_file(path: &Path) -> Result<(Vec<f32>, usize, u32), SourceError> {
    let mut decoder = FileDecoder::open(path)?;
    let mut samples = Vec::new();
    while decoder.decode_next(&mut samples, &mut |w| eprintln!("warning: {w}")) {}
    Ok((samples, decoder.channel_count(), decoder.rate()))
}
