// WavesReportTests: tests for this target.
