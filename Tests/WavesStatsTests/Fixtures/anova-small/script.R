# Fixture anova-small: n < 20: 11 participants, 5 waves, no groups, strong non-sphericity
# Run from this folder: Rscript script.R  (writes data.csv if absent, then expected.json)
source("../anova-common/generate.R")
write_data(generate(seed = 303, sizes = 11, k = 5, wave_means = c(3.0, 3.2, 3.3, 3.3, 3.6), wave_sd = c(0.1, 0.2, 0.4, 0.7, 1.0)))
source("../anova-common/expected.R")
