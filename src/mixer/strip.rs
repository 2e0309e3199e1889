//! A track's channel strip, for tracks that have effects or sends: the track's signal (read at
//! unity from its ring) goes through its effect chain, then pre-fader sends, the fader (gain, pan,
//! mute, solo), post-fader sends, and into its destination.

use super::{mix_into_ramped, Bus, Channel, Destination};
use crate::dsp::{db_to_gain, EffectChain, ProcessContext, Smoothed};

/// A send from a track to a bus, tapped before or after the fader.
pub struct Send {
    /// The bus it feeds.
    pub bus: usize,
    /// Tapped before the fader (after the effects) if true.
    pub pre_fader: bool,
    gain_l: Smoothed,
    gain_r: Smoothed,
}

impl Send {
    /// A send to `bus` at `level_db`.
    pub fn new(bus: usize, level_db: f32, pre_fader: bool, ramp_frames: u32) -> Self {
        let g = db_to_gain(level_db);
        Self {
            bus,
            pre_fader,
            gain_l: Smoothed::new(g, ramp_frames),
            gain_r: Smoothed::new(g, ramp_frames),
        }
    }

    /// Sets the send level (linear gain), smoothed.
    // audio thread: no alloc, lock, I/O or print
    pub fn set_gain(&mut self, gain: f32) {
        self.gain_l.set(gain);
        self.gain_r.set(gain);
    }

    fn mix(&mut self, buses: &mut [Bus], signal: &[f32]) {
        if let Some(bus) = buses.get_mut(self.bus) {
            let n = signal.len().min(bus.buffer.len());
            mix_into_ramped(
                &mut bus.buffer[..n],
                &signal[..n],
                &mut self.gain_l,
                &mut self.gain_r,
            );
        }
    }
}

/// Effects, sends and fader of one track.
///
/// # Real-time
/// [`Strip::finish`] never allocates; the buffer is sized for the largest block when built.
pub struct Strip {
    /// The track's effects.
    pub chain: EffectChain,
    /// The fader settings (the track itself then plays at unity).
    pub channel: Channel,
    /// The sends.
    pub sends: Vec<Send>,
    gain_l: Smoothed,
    gain_r: Smoothed,
    buffer: Vec<f32>,
}

impl Strip {
    /// A strip with `chain` and `sends` for blocks of up to `block_frames`.
    pub fn new(
        chain: EffectChain,
        channel: Channel,
        sends: Vec<Send>,
        block_frames: usize,
        ramp_frames: u32,
        any_solo: bool,
    ) -> Self {
        let (l, r) = channel.stereo_gains(any_solo);
        Self {
            chain,
            channel,
            sends,
            gain_l: Smoothed::new(l, ramp_frames),
            gain_r: Smoothed::new(r, ramp_frames),
            buffer: vec![0.0; block_frames * 2],
        }
    }

    /// The channel the track itself should use: unity, keeping mute and solo so that solo logic
    /// and muting stay where they were.
    pub fn inner_channel(channel: &Channel) -> Channel {
        Channel {
            gain_db: 0.0,
            pan: 0.0,
            mute: channel.mute,
            solo: channel.solo,
        }
    }

    /// The cleared buffer of `len` samples that the track should mix into.
    // audio thread: no alloc, lock, I/O or print
    pub fn input(&mut self, len: usize) -> &mut [f32] {
        let n = len.min(self.buffer.len());
        let buf = &mut self.buffer[..n];
        buf.fill(0.0);
        buf
    }

    /// Runs the chain, the sends and the fader on the buffer and mixes the result into the
    /// destination (`master` or a bus). Returns how many effects the guard reset.
    // audio thread: no alloc, lock, I/O or print
    pub fn finish(
        &mut self,
        len: usize,
        any_solo: bool,
        dest: Destination,
        master: &mut [f32],
        buses: &mut [Bus],
    ) -> u64 {
        let n = len.min(self.buffer.len());
        let signal = &mut self.buffer[..n];
        self.chain.process(signal, &ProcessContext::default());
        for send in self.sends.iter_mut().filter(|s| s.pre_fader) {
            send.mix(buses, signal);
        }
        let (l, r) = self.channel.stereo_gains(any_solo);
        self.gain_l.set(l);
        self.gain_r.set(r);
        for frame in signal.chunks_exact_mut(2) {
            frame[0] *= self.gain_l.next();
            frame[1] *= self.gain_r.next();
        }
        for send in self.sends.iter_mut().filter(|s| !s.pre_fader) {
            send.mix(buses, signal);
        }
        let target = match dest {
            Destination::Master => Some(&mut master[..n]),
            Destination::Bus(b) => buses.get_mut(b).map(|bus| &mut bus.buffer[..n]),
        };
        if let Some(target) = target {
            super::mix_into(target, signal, 1.0, 1.0);
        }
        self.chain.take_resets()
    }
}
