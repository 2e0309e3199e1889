//! Decoding one track, packet by packet, on a decoder thread.

use std::path::{Path, PathBuf};

use symphonia::core::audio::Channels;
use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{SeekMode, SeekTo};
use symphonia::core::packet::Packet;
use symphonia::core::units::{TimeBase, Timestamp};

use super::info::codec_name;
use super::mp4_edit::{read_trim, Trim};
use super::packets::{default_audio_track, open_tracks, Packets, TrackParams};
use super::SourceError;

/// Gaps longer than this (in seconds) are taken for broken timestamps and not filled.
const MAX_GAP_SECONDS: u64 = 600;

/// Decodes one audio track to interleaved f32 in the track's own channel count and rate. Runs on
/// a decoder thread, never on the audio thread.
///
/// It keeps the track in sync: an MP4 edit list (AAC priming and padding) is applied, and corrupt
/// data that the reader skipped is replaced by the same length of silence.
pub struct TrackDecoder {
    path: PathBuf,
    label: String,
    packets: Packets,
    decoder: Box<dyn AudioDecoder>,
    rate: u32,
    codec: symphonia::core::codecs::audio::AudioCodecId,
    channels: Option<Channels>,
    channel_count: usize,
    time_base: Option<TimeBase>,
    trim: Trim,
    frames_decoded: u64,
    frames_out: u64,
    next_ts: Option<i64>,
    packets_seen: u64,
    discard_before: u64,
    position_unknown: bool,
    scratch: Vec<f32>,
}

impl TrackDecoder {
    /// A decoder for the track described by `params`, fed by `packets`. `number` is the track's
    /// number when the file has several, for messages ("song.mka track 3").
    pub fn new(
        path: &Path,
        number: Option<usize>,
        packets: Packets,
        params: &TrackParams,
    ) -> Result<Self, SourceError> {
        let codec = &params.codec;
        let label = match number {
            Some(n) => format!("{} track {n}", path.display()),
            None => path.display().to_string(),
        };
        let what = number.map(|n| format!("track {n}: ")).unwrap_or_default();
        let decoder = symphonia::default::get_codecs()
            .make_audio_decoder(codec, &AudioDecoderOptions::default())
            .map_err(|e| SourceError::Unsupported {
                path: path.to_path_buf(),
                reason: format!("{what}{} ({e})", codec_name(codec.codec)),
            })?;
        let rate = codec.sample_rate.ok_or_else(|| SourceError::Invalid {
            path: path.to_path_buf(),
            reason: format!("{what}the sample rate is not stated"),
        })?;
        let channel_count = codec
            .channels
            .as_ref()
            .map(Channels::count)
            .unwrap_or(1)
            .max(1);
        let trim = (params.format == "isomp4")
            .then(|| read_trim(path, rate))
            .flatten()
            .unwrap_or(Trim {
                skip_frames: 0,
                keep_frames: None,
            });
        Ok(Self {
            path: path.to_path_buf(),
            label,
            packets,
            decoder,
            rate,
            codec: codec.codec,
            channels: codec.channels.clone(),
            channel_count,
            time_base: params.time_base,
            trim,
            frames_decoded: 0,
            frames_out: 0,
            next_ts: None,
            packets_seen: 0,
            discard_before: 0,
            position_unknown: false,
            scratch: Vec::new(),
        })
    }

    /// Moves to frame `frame` (in the track's own rate) by seeking the file, for PCM, FLAC and
    /// MP3, whose packets are stamped in frames: it lands early, then decodes and drops the frames
    /// before `frame`, so the result is sample-exact (tested against a decode from the start).
    /// Other codecs (Vorbis, AAC with its edit list, coarsely stamped containers) answer `Err`,
    /// and the caller decodes from the start instead.
    pub fn seek(&mut self, frame: u64) -> Result<(), String> {
        let codec = codec_name(self.codec);
        let stamped_in_frames = self
            .time_base
            .is_some_and(|tb| tb.numer.get() == 1 && tb.denom.get() == self.rate);
        let Packets::Own(reader) = &mut self.packets else {
            return Err("shared reader".into());
        };
        // Vorbis and AAC stamp their packets in a way that does not map exactly to decoded
        // frames after a seek (measured); they decode from the start instead.
        let exact = codec.starts_with("pcm") || codec == "flac" || codec == "mp3";
        if !exact || !stamped_in_frames || self.trim.skip_frames > 0 {
            return Err(format!("{codec} cannot seek exactly"));
        }
        // Land early: the frames up to the target are decoded and dropped. Codecs whose frames
        // depend on earlier packets (lapped transforms, bit reservoirs) get half a second to
        // settle into exactly the state a decode from the start would have.
        let independent = codec.starts_with("pcm") || codec == "flac";
        let preroll = if independent {
            self.rate as u64 / 10
        } else {
            self.rate as u64 / 2
        };
        let early = frame.saturating_sub(preroll);
        let to = SeekTo::Timestamp {
            ts: Timestamp::new(early as i64),
            track_id: reader.track_id,
        };
        let landed = reader
            .format
            .seek(SeekMode::Accurate, to)
            .map_err(|e| e.to_string())?;
        if landed.actual_ts.get() < 0 || landed.actual_ts.get() as u64 > frame {
            return Err(format!(
                "the seek landed at {} after {frame}",
                landed.actual_ts.get()
            ));
        }
        self.decoder.reset();
        self.next_ts = None;
        self.packets_seen = 0;
        self.frames_decoded = landed.actual_ts.get() as u64;
        self.position_unknown = true;
        self.discard_before = frame;
        Ok(())
    }

    /// The track's sample rate in Hz.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// The channel layout, if the file states it.
    pub fn channels(&self) -> Option<&Channels> {
        self.channels.as_ref()
    }

    /// The number of interleaved channels that [`TrackDecoder::decode_next`] produces.
    pub fn channel_count(&self) -> usize {
        self.channel_count
    }

    /// Decodes the next packet and appends its samples to `out`. Returns `false` at the end of
    /// the track. A corrupt packet is skipped and reported through `warn` with the file and
    /// position; an error the decoder cannot recover from ends the track with a warning.
    pub fn decode_next(&mut self, out: &mut Vec<f32>, warn: &mut dyn FnMut(String)) -> bool {
        loop {
            let (label, position) = (&self.label, self.position());
            let next = self
                .packets
                .next(&mut |w| warn(format!("{label}: {w} (at {position})")));
            let Some(packet) = next else { return false };
            if std::mem::take(&mut self.position_unknown) {
                // After a seek, the first packet's stamp says where decoding resumes.
                self.frames_decoded = packet.pts.get().max(0) as u64;
            }
            self.fill_gap(&packet, out, warn);
            match self.decoder.decode(&packet) {
                Ok(buf) => {
                    buf.copy_to_vec_interleaved(&mut self.scratch);
                    let buf_channels = buf.spec().channels().count().max(1);
                    let first = self.frames_decoded;
                    self.frames_decoded += buf.frames() as u64;
                    if buf_channels == self.channel_count {
                        self.append_trimmed(first, out);
                    } else {
                        warn(format!(
                            "{}: packet at {} changed its channel count; skipped",
                            self.label,
                            self.position()
                        ));
                    }
                    return true;
                }
                Err(SymphoniaError::DecodeError(e)) => {
                    warn(format!(
                        "{}: corrupt packet at {} skipped: {e}",
                        self.label,
                        self.position()
                    ));
                }
                Err(e) => {
                    warn(format!(
                        "{}: decoding stopped at {}: {e}",
                        self.label,
                        self.position()
                    ));
                    return false;
                }
            }
        }
    }

    /// Keeps the track in sync when corrupt data was skipped: if this packet starts later than
    /// the previous one ended, the missing frames are replaced by silence (with a warning).
    fn fill_gap(&mut self, packet: &Packet, out: &mut Vec<f32>, warn: &mut dyn FnMut(String)) {
        let pts = packet.pts.get();
        // The first packets of lapped codecs (Vorbis) do not line up with their durations.
        self.packets_seen += 1;
        let expected = self
            .next_ts
            .replace(pts + packet.dur.get() as i64)
            .filter(|_| self.packets_seen > 2);
        let (Some(expected), Some(tb)) = (expected, self.time_base) else {
            return;
        };
        if packet.dur.get() == 0 || pts <= expected {
            return;
        }
        let delta = (pts - expected) as u64;
        let frames = delta * tb.numer.get() as u64 * self.rate as u64 / tb.denom.get() as u64;
        if frames == 0 || frames > MAX_GAP_SECONDS * self.rate as u64 {
            return;
        }
        warn(format!(
            "{}: corrupt data at {} skipped; {frames} frames replaced by silence to stay in sync",
            self.label,
            self.position()
        ));
        self.scratch.clear();
        self.scratch
            .resize(frames as usize * self.channel_count, 0.0);
        self.append_trimmed(self.frames_decoded, out);
        self.frames_decoded += frames;
    }

    /// Appends the part of `self.scratch` (decoded frames from `first` on) that the edit list
    /// keeps.
    fn append_trimmed(&mut self, first: u64, out: &mut Vec<f32>) {
        let n = self.channel_count;
        let frames = (self.scratch.len() / n) as u64;
        let skip = self
            .trim
            .skip_frames
            .max(self.discard_before)
            .saturating_sub(first)
            .min(frames);
        let keep = self
            .trim
            .keep_frames
            .map_or(u64::MAX, |k| k.saturating_sub(self.frames_out));
        let take = (frames - skip).min(keep);
        out.extend_from_slice(&self.scratch[(skip as usize) * n..((skip + take) as usize) * n]);
        self.frames_out += take;
    }

    /// The decode position as text, e.g. "12.345 s".
    fn position(&self) -> String {
        format!("{:.3} s", self.frames_decoded as f64 / self.rate as f64)
    }

    /// The file this track is read from.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Decodes track `number` (1-based; `None` for the default audio track) of a file to
/// interleaved f32 in its own channel count and rate. For tests and tools; the engine streams
/// instead. Returns `(samples, channels, rate)`.
pub fn decode_file(
    path: &Path,
    number: Option<usize>,
) -> Result<(Vec<f32>, usize, u32), SourceError> {
    let number = match number {
        Some(n) => n,
        None => default_audio_track(path)?,
    };
    let (mut packets, params, _) = open_tracks(path, &[number])?;
    let mut decoder = TrackDecoder::new(path, None, packets.remove(0), &params[0])?;
    let mut samples = Vec::new();
    while decoder.decode_next(&mut samples, &mut |w| eprintln!("warning: {w}")) {}
    Ok((samples, decoder.channel_count(), decoder.rate()))
}
