// WavesAnalysis: see DESIGN.md
