# Fixture anova-balanced: balanced, 3 waves, 40 participants, no groups
# Run from this folder: Rscript script.R  (writes data.csv if absent, then expected.json)
source("../anova-common/generate.R")
write_data(generate(seed = 101, sizes = 40, k = 3, wave_means = c(3.4, 3.6, 3.7)))
source("../anova-common/expected.R")
