//! The sound card, through cpal (cargo feature `device`).
//!
//! cpal asks for buffers of whatever size the driver likes (the ALSA→PulseAudio path was seen
//! giving 170, 512, 682 or 2730 frames). The callback re-blocks: it keeps one renderer block and
//! copies from it, rendering the next fixed-size block whenever the previous one is used up, so
//! the renderer always works in its own block size. Nothing in the callback allocates, locks,
//! prints or does I/O.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SizedSample};

use super::OutputError;
use crate::render::{RenderStats, Renderer};

fn device_error(what: &str, e: impl std::fmt::Display) -> OutputError {
    OutputError::Device(format!("{what}: {e}"))
}

/// Lists the output devices, the default first, one description per line.
pub fn list_devices() -> Result<Vec<String>, OutputError> {
    let host = cpal::default_host();
    let default = host.default_output_device().and_then(|d| d.id().ok());
    let devices = host
        .output_devices()
        .map_err(|e| device_error("listing output devices", e))?;
    Ok(devices
        .map(|d| {
            let name = d
                .description()
                .map(|x| x.name().to_string())
                .unwrap_or_else(|_| "(unnamed)".into());
            let id = d.id().map(|i| i.to_string()).unwrap_or_default();
            let mark = if d.id().ok() == default {
                " (default)"
            } else {
                ""
            };
            format!("{name}{mark}  [{id}]")
        })
        .collect())
}

/// Playback to a sound card. Dropping it (or [`DeviceOutput::stop`]) stops the stream; the
/// renderer is dropped with it, on the control thread.
pub struct DeviceOutput {
    stream: cpal::Stream,
    finished: Arc<AtomicBool>,
    /// The frames per callback the driver chose (an estimate, from cpal).
    pub buffer_frames: Option<u32>,
    rate: u32,
}

impl DeviceOutput {
    /// Starts playing `renderer` on the device whose name contains `name` (or the default),
    /// asking for a buffer of about `latency_ms`.
    pub fn start(
        renderer: Renderer,
        name: Option<&str>,
        latency_ms: f32,
    ) -> Result<Self, OutputError> {
        let host = cpal::default_host();
        let device = match name {
            None => host
                .default_output_device()
                .ok_or_else(|| OutputError::Device("no default output device".into()))?,
            Some(n) => host
                .output_devices()
                .map_err(|e| device_error("listing output devices", e))?
                .find(|d| {
                    d.description().is_ok_and(|x| x.name().contains(n))
                        || d.id().is_ok_and(|i| i.to_string().contains(n))
                })
                .ok_or_else(|| {
                    OutputError::Device(format!(
                        "no output device matches '{n}' (see `tutti devices`)"
                    ))
                })?,
        };
        let supported = device
            .default_output_config()
            .map_err(|e| device_error("asking the device for its format", e))?;
        let rate = renderer.config().rate;
        let channels = supported.channels().max(1);
        let frames = ((latency_ms / 1000.0) * rate as f32).round().max(16.0) as u32;
        let config = cpal::StreamConfig {
            channels,
            sample_rate: rate,
            buffer_size: cpal::BufferSize::Fixed(frames),
        };
        let finished = Arc::new(AtomicBool::new(false));
        let stats = renderer.stats().clone();
        let stream = match supported.sample_format() {
            cpal::SampleFormat::I16 => build::<i16>(&device, config, renderer, &finished, stats),
            cpal::SampleFormat::I32 => build::<i32>(&device, config, renderer, &finished, stats),
            _ => build::<f32>(&device, config, renderer, &finished, stats),
        }?;
        stream
            .play()
            .map_err(|e| device_error("starting the stream", e))?;
        let buffer_frames = stream.buffer_size().ok();
        Ok(Self {
            stream,
            finished,
            buffer_frames,
            rate,
        })
    }

    /// True once the material has ended and its last frame was handed to the device.
    pub fn finished(&self) -> bool {
        self.finished.load(Ordering::Relaxed)
    }

    /// Stops the stream, after letting what the device has queued play out.
    pub fn stop(self) {
        let queued = self.buffer_frames.unwrap_or(4096) as f64 / self.rate as f64;
        std::thread::sleep(std::time::Duration::from_secs_f64(2.0 * queued + 0.2));
        let _ = self.stream.pause();
    }
}

fn build<T: SizedSample + FromSample<f32> + Send + 'static>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    renderer: Renderer,
    finished: &Arc<AtomicBool>,
    stats: Arc<RenderStats>,
) -> Result<cpal::Stream, OutputError> {
    let channels = config.channels as usize;
    let mut reblock = Reblock::new(renderer, finished.clone());
    let errors = stats.clone();
    let on_error = move |e: cpal::Error| {
        // Counted, never printed: this may run on the audio thread.
        if e.kind() == cpal::ErrorKind::Xrun {
            errors.record_xrun();
        }
    };
    let data = move |out: &mut [T], _: &cpal::OutputCallbackInfo| reblock.fill(out, channels);
    device
        .build_output_stream(config, data, on_error, None)
        .map_err(|e| {
            device_error(
                &format!("opening the device at {} Hz", config.sample_rate),
                e,
            )
        })
}

/// Silence played before the first rendered frame: audio servers were seen to drop the first
/// ~15 ms a stream hands them, which must not be the song's first notes.
const LEAD_IN_SECONDS: f32 = 0.1;

/// The renderer and the block being played out.
struct Reblock {
    renderer: Renderer,
    block: Vec<f32>,
    read: usize,
    lead_in_frames: usize,
    finished: Arc<AtomicBool>,
}

impl Reblock {
    fn new(renderer: Renderer, finished: Arc<AtomicBool>) -> Self {
        let block = vec![0.0; renderer.config().block_frames * 2];
        let read = block.len();
        let lead_in_frames = (LEAD_IN_SECONDS * renderer.config().rate as f32) as usize;
        Self {
            renderer,
            block,
            read,
            lead_in_frames,
            finished,
        }
    }

    /// Fills a device buffer of `channels` interleaved channels.
    // audio thread: no alloc, lock, I/O or print
    fn fill<T: SizedSample + FromSample<f32>>(&mut self, out: &mut [T], channels: usize) {
        for frame in out.chunks_exact_mut(channels) {
            if self.lead_in_frames > 0 {
                self.lead_in_frames -= 1;
                frame.iter_mut().for_each(|s| *s = T::from_sample(0.0f32));
                continue;
            }
            if self.read == self.block.len() {
                self.renderer.process(&mut self.block);
                self.read = 0;
                let position = self.renderer.position_frames();
                if self.renderer.end_frame().is_some_and(|end| end <= position) {
                    self.finished.store(true, Ordering::Relaxed);
                }
            }
            let (l, r) = (self.block[self.read], self.block[self.read + 1]);
            self.read += 2;
            match channels {
                1 => frame[0] = T::from_sample(0.5 * (l + r)),
                _ => {
                    frame[0] = T::from_sample(l);
                    frame[1] = T::from_sample(r);
                    for extra in &mut frame[2..] {
                        *extra = T::from_sample(0.0f32);
                    }
                }
            }
        }
    }
}
