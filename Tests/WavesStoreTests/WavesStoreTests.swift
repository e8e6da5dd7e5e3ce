// WavesStoreTests: tests for this target.
