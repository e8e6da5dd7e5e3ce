// WavesAnalysisTests: tests for this target.
