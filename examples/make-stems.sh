#!/usr/bin/env bash
# Makes the stems that examples/song.toml plays (needs sox with Ogg support).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p stems
sox -n -r 48000 -c 1 -b 24 stems/kick.flac synth 0.25 sine 150-45 fade 0 0.25 0.2 repeat 15 vol 0.8
sox -n -r 48000 -c 2 -b 16 stems/hats.wav synth 0.125 pinknoise fade 0 0.125 0.1 highpass 6000 pad 0.125 repeat 15 vol 0.6
sox -n -r 48000 -c 1 stems/bass.ogg synth 1 sawtooth 55 vol 0.4 lowpass 800 fade 0.01 1 0.1 repeat 3
sox -n -r 44100 -c 2 -b 16 stems/pad.wav synth 2.5 sine 220 sine 277.2 fade 0.5 2.5 1 vol 0.2
echo "stems written to $(pwd)/stems"
