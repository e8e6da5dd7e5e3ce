// WavesSurvey: see DESIGN.md
