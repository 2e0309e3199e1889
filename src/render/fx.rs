//! The renderer's effects: channel strips of tracks, bus chains with their side-chain keys, and
//! the master chain. Built by [`super::Song::start`], run inside [`super::Renderer::process`].

use super::{ChainId, Command};
use crate::dsp::{EffectChain, ProcessContext};
use crate::mixer::{Bus, Destination, Strip};

/// Everything effect-related the renderer owns.
pub(crate) struct RenderFx {
    /// One per track: `Some` for tracks with effects or sends.
    pub strips: Vec<Option<Strip>>,
    /// One per bus.
    pub bus_chains: Vec<EffectChain>,
    /// One per bus: the bus whose input keys this bus's chain.
    pub bus_keys: Vec<Option<usize>>,
    /// The master chain.
    pub master_chain: EffectChain,
    /// The bus whose input keys the master chain.
    pub master_key: Option<usize>,
    /// Copies of the inputs of buses used as keys (empty for the others).
    pub taps: Vec<Vec<f32>>,
    /// The voices' strip and where it goes, if the voices have effects, sends, a bus or a
    /// fader setting; `None` mixes them straight into the master.
    pub voice_strip: Option<(Strip, Destination)>,
}

impl RenderFx {
    /// No effects for `tracks` tracks and `buses` buses.
    pub fn none(tracks: usize, buses: usize) -> Self {
        Self {
            strips: (0..tracks).map(|_| None).collect(),
            bus_chains: (0..buses).map(|_| EffectChain::empty()).collect(),
            bus_keys: vec![None; buses],
            master_chain: EffectChain::empty(),
            master_key: None,
            taps: vec![Vec::new(); buses],
            voice_strip: None,
        }
    }

    /// Every strip: the tracks' and the voices'.
    fn all_strips(&self) -> impl Iterator<Item = &Strip> {
        self.strips
            .iter()
            .flatten()
            .chain(self.voice_strip.iter().map(|(s, _)| s))
    }

    /// The strip of track `i`, if it has one.
    pub fn strip(&mut self, i: usize) -> Option<&mut Strip> {
        self.strips.get_mut(i).and_then(Option::as_mut)
    }

    /// Runs the bus chains, mixes the buses into `out`, then runs the master chain. Returns the
    /// number of guard resets.
    // audio thread: no alloc, lock, I/O or print
    pub fn mix_buses(&mut self, buses: &mut [Bus], out: &mut [f32]) -> u64 {
        let len = out.len();
        for (tap, bus) in self.taps.iter_mut().zip(buses.iter()) {
            if !tap.is_empty() {
                let n = len.min(tap.len()).min(bus.buffer.len());
                tap[..n].copy_from_slice(&bus.buffer[..n]);
            }
        }
        let mut resets = 0;
        for (i, bus) in buses.iter_mut().enumerate() {
            if let Some(chain) = self.bus_chains.get_mut(i).filter(|c| !c.is_empty()) {
                let key = self.bus_keys.get(i).copied().flatten();
                let ctx = ProcessContext {
                    sidechain: key
                        .and_then(|k| self.taps.get(k))
                        .map(|t| &t[..len.min(t.len())]),
                };
                let n = len.min(bus.buffer.len());
                chain.process(&mut bus.buffer[..n], &ctx);
                resets += chain.take_resets();
            }
            bus.process(out);
        }
        if !self.master_chain.is_empty() {
            let ctx = ProcessContext {
                sidechain: self
                    .master_key
                    .and_then(|k| self.taps.get(k))
                    .map(|t| &t[..len.min(t.len())]),
            };
            self.master_chain.process(out, &ctx);
            resets += self.master_chain.take_resets();
        }
        resets
    }

    /// Applies an effect or send command; other commands are ignored.
    // audio thread: no alloc, lock, I/O or print
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::SetEffectParam {
                chain,
                slot,
                param,
                value,
            } => {
                if let Some(c) = self.chain(chain) {
                    c.set_param(slot, param, value);
                }
            }
            Command::SetEffectEnabled {
                chain,
                slot,
                enabled,
            } => {
                if let Some(c) = self.chain(chain) {
                    c.set_enabled(slot, enabled);
                }
            }
            Command::SetSend { track, send, gain } => {
                if let Some(s) = self.strip(track).and_then(|s| s.sends.get_mut(send)) {
                    s.set_gain(gain);
                }
            }
            _ => {}
        }
    }

    fn chain(&mut self, id: ChainId) -> Option<&mut EffectChain> {
        match id {
            ChainId::Track(i) => self.strip(i).map(|s| &mut s.chain),
            ChainId::Bus(i) => self.bus_chains.get_mut(i),
            ChainId::Master => Some(&mut self.master_chain),
            ChainId::Voices => self.voice_strip.as_mut().map(|(s, _)| &mut s.chain),
        }
    }

    /// How many effects there are on all tracks, buses and the master.
    pub fn effect_count(&self) -> usize {
        let strips: usize = self.all_strips().map(|s| s.chain.len()).sum();
        strips + self.bus_chains.iter().map(|c| c.len()).sum::<usize>() + self.master_chain.len()
    }

    /// The effects' latency: the longest track chain's, then the longest bus chain's, then the
    /// master's.
    pub fn latency_frames(&self) -> usize {
        let tracks = self
            .all_strips()
            .map(|s| s.chain.latency_frames())
            .max()
            .unwrap_or(0);
        let buses = self
            .bus_chains
            .iter()
            .map(EffectChain::latency_frames)
            .max()
            .unwrap_or(0);
        tracks + buses + self.master_chain.latency_frames()
    }

    /// How long the effects ring on after the last track ends, in frames (latencies included):
    /// the longest track tail, then the longest bus tail, then the master's.
    pub fn tail_frames(&self) -> usize {
        let tracks = self
            .all_strips()
            .map(|s| s.chain.tail_frames())
            .max()
            .unwrap_or(0);
        let buses = self
            .bus_chains
            .iter()
            .map(EffectChain::tail_frames)
            .max()
            .unwrap_or(0);
        tracks + buses + self.master_chain.tail_frames()
    }
}

/// Builds every chain, strip and send of `song`, reporting the first bad effect (named with its
/// track, bus or the master) before anything plays.
pub(crate) fn build(
    song: &super::Song,
    config: &super::EngineConfig,
) -> Result<RenderFx, super::SongError> {
    use super::SongError;
    use crate::dsp::BuildContext;
    use crate::mixer::Send;

    let loader = |path: &str, rate: u32| {
        crate::source::load_impulse_response(std::path::Path::new(path), rate)
            .map_err(|e| e.to_string())
    };
    let ctx = BuildContext {
        rate: config.rate,
        max_block_frames: config.block_frames,
        load_ir: &loader,
    };
    let bus_index = |what: &str, name: &str| {
        song.buses
            .iter()
            .position(|b| b.name == name)
            .ok_or_else(|| SongError::Invalid(format!("{what}: unknown side-chain bus '{name}'")))
    };
    let chain = |what: &str,
                 specs: &[crate::dsp::EffectSpec],
                 keyed: bool|
     -> Result<(EffectChain, Option<usize>), SongError> {
        let mut key = None;
        let mut effects = Vec::with_capacity(specs.len());
        for spec in specs {
            if let Some(bus) = spec.text("sidechain") {
                if !keyed {
                    return Err(SongError::Invalid(format!(
                        "{what}: {}: sidechain works on bus and master effects only",
                        spec.name()
                    )));
                }
                key = Some(bus_index(what, bus)?);
            }
            effects.push(
                spec.build(&ctx)
                    .map_err(|e| SongError::Invalid(format!("{what}: {e}")))?,
            );
        }
        let mut chain = if effects.is_empty() {
            EffectChain::empty()
        } else {
            EffectChain::new(effects, config.block_frames, config.rate)
        };
        for (slot, spec) in specs.iter().enumerate() {
            if !spec.enabled() {
                chain.set_enabled_now(slot, false);
            }
        }
        Ok((chain, key))
    };
    let mut fx = RenderFx::none(song.tracks.len(), song.buses.len());
    let ramp = config.ramp_frames();
    let any_solo = song.tracks.iter().any(|t| t.channel.solo);
    let strip =
        |what: &str, effects: &[crate::dsp::EffectSpec], sends: &[super::SendSpec], channel| {
            let (c, _) = chain(what, effects, false)?;
            let mut built = Vec::with_capacity(sends.len());
            for s in sends {
                if s.bus >= song.buses.len() {
                    return Err(SongError::Invalid(format!(
                        "{what}: a send names a bus that does not exist"
                    )));
                }
                built.push(Send::new(s.bus, s.level_db, s.pre_fader, ramp));
            }
            Ok(Strip::new(
                c,
                channel,
                built,
                config.block_frames,
                ramp,
                any_solo,
            ))
        };
    for (i, t) in song.tracks.iter().enumerate() {
        if !(t.effects.is_empty() && t.sends.is_empty()) {
            fx.strips[i] = Some(strip(
                &format!("track '{}'", t.name),
                &t.effects,
                &t.sends,
                t.channel,
            )?);
        }
    }
    let v = &song.voice_mix;
    if !v.effects.is_empty()
        || !v.sends.is_empty()
        || v.bus.is_some()
        || v.channel != crate::mixer::Channel::default()
    {
        if v.bus.is_some_and(|b| b >= song.buses.len()) {
            return Err(SongError::Invalid(
                "[voices]: its bus does not exist".into(),
            ));
        }
        let dest = v.bus.map_or(Destination::Master, Destination::Bus);
        fx.voice_strip = Some((strip("[voices]", &v.effects, &v.sends, v.channel)?, dest));
    }
    for (i, b) in song.buses.iter().enumerate() {
        let (c, key) = chain(&format!("bus '{}'", b.name), &b.effects, true)?;
        fx.bus_chains[i] = c;
        fx.bus_keys[i] = key;
    }
    let (c, key) = chain("[master]", &song.master_effects, true)?;
    fx.master_chain = c;
    fx.master_key = key;
    for k in fx
        .bus_keys
        .iter()
        .chain(std::iter::once(&fx.master_key))
        .flatten()
    {
        fx.taps[*k] = vec![0.0; config.block_frames * 2];
    }
    Ok(fx)
}
