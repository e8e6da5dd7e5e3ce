// WavesCoreTests: tests for this target.
