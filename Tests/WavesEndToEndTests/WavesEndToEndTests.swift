// WavesEndToEndTests: tests for this target.
