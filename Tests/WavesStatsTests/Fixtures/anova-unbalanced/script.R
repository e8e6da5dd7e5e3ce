# Fixture anova-unbalanced: 2 unbalanced groups (23, 14), 4 waves, group x wave pattern, unequal wave spread
# Run from this folder: Rscript script.R  (writes data.csv if absent, then expected.json)
source("../anova-common/generate.R")
write_data(generate(seed = 202, sizes = c(23, 14), k = 4, wave_means = c(3.3, 3.5, 3.6, 3.8), wave_sd = c(0.25, 0.35, 0.5, 0.7), group_shift = c(0, 0.12)))
source("../anova-common/expected.R")
