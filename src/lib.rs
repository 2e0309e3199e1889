//! # tutti
//!
//! A real-time multi-track audio engine: sample-exact stems, decoded off the audio thread into
//! bounded lock-free rings, mixed by one fixed-block [`render::Renderer`] that every output pulls.
//!
//! Modules, from the top down (dependencies only point down this list):
//! - [`session`]: the TOML session model, validated at load, turned into a [`render::Song`];
//! - [`osc`]: live control over OSC, driving a [`render::Engine`];
//! - [`output`]: offline files, streams and the sound card, pulling blocks from the renderer;
//! - [`render`]: the renderer, its commands, stats, and how a song is started;
//! - [`mixer`]: tracks, buses and the mixing core;
//! - [`voice`]: samples and synth notes from a preallocated pool, scheduled sample-exactly from
//!   the API, a session timeline or SuperDirt-style OSC;
//! - [`source`]: decoding (symphonia), channel folding, resampling (rubato), the decode pool;
//! - [`dsp`]: allocation-free building blocks; depends on nothing else here.
//!
//! ```no_run
//! use tutti::render::{EngineConfig, RenderMode, Song, TrackSpec};
//! use tutti::source::{PoolConfig, SourceSpec};
//! use tutti::output::{render_offline, SampleFormat, WavFile};
//!
//! let mut song = Song::default();
//! song.tracks.push(TrackSpec::new("drums", SourceSpec::File("drums.flac".into())));
//! song.tracks.push(TrackSpec::new("bass", SourceSpec::File("bass.wav".into())));
//! let config = EngineConfig::default();
//! let mut playback = song.start(&config, RenderMode::Offline, &PoolConfig::default())?;
//! let mut file = WavFile::create("mix.wav".as_ref(), config.rate, SampleFormat::F32)?;
//! render_offline(&mut playback.renderer, &mut file, &mut |_| {})?;
//! file.finish()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod dsp;
pub mod mixer;
pub mod osc;
pub mod output;
pub mod render;
pub mod session;
pub mod source;
pub mod voice;
