//! The render thread never allocates or frees in steady state: 16 streamed stems, 10 s, counted
//! by a global allocator that counts only on the thread that enabled it.

mod common;
mod counting_alloc;
use common::*;
use counting_alloc::count_allocations;

use tutti::mixer::Channel;
use tutti::render::{BusSpec, EngineConfig, RenderMode, Song, TrackSpec};
use tutti::source::{PoolConfig, SourceSpec};

#[test]
fn steady_state_render_of_16_streamed_stems_does_not_allocate() {
    let d = temp_dir();
    let mut song = Song::default();
    song.buses.push(BusSpec::new(
        "bus",
        Channel {
            gain_db: -3.0,
            ..Channel::default()
        },
    ));
    for i in 0..16u32 {
        let path = d.path().join(format!("stem{i}.wav"));
        let channels = 1 + (i % 2) as usize;
        write_wav(
            &path,
            &test_signal(48_000 * 12, channels, i),
            channels as u16,
            48_000,
            16,
        );
        let mut t = TrackSpec::new(format!("stem{i}"), SourceSpec::File(path));
        t.channel = Channel {
            gain_db: -12.0,
            pan: (i as f32 / 8.0) - 1.0,
            ..Channel::default()
        };
        t.bus = (i % 4 == 0).then_some(0);
        song.tracks.push(t);
    }
    let config = EngineConfig::default();
    let mut playback = song
        .start(&config, RenderMode::Offline, &PoolConfig::default())
        .unwrap();
    let mut block = vec![0.0f32; config.block_frames * 2];
    // Warm up for one second, then count over ten seconds of steady state.
    let blocks_per_second = config.rate as usize / config.block_frames;
    for _ in 0..blocks_per_second {
        playback.renderer.process(&mut block);
    }
    let mut energy = 0.0f64;
    let allocations = count_allocations(|| {
        for _ in 0..10 * blocks_per_second {
            playback.renderer.process(&mut block);
            energy += block.iter().map(|s| (*s as f64).powi(2)).sum::<f64>();
        }
    });
    assert!(energy > 0.0, "the render was silent");
    assert_eq!(
        playback.renderer.end_frame(),
        None,
        "the stems ended before the measurement did"
    );
    assert_eq!(
        allocations, 0,
        "the render thread allocated or freed {allocations} times"
    );
}
