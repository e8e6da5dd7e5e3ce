// WavesStore: see DESIGN.md
