// WavesSurveyTests: tests for this target.
