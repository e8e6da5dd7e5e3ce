// WavesExportTests: tests for this target.
