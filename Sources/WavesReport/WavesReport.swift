// WavesReport: see DESIGN.md
