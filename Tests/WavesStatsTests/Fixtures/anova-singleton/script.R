# Fixture anova-singleton: 2 groups, one of them a single participant (12, 1), 3 waves
# Run from this folder: Rscript script.R  (writes data.csv if absent, then expected.json)
source("../anova-common/generate.R")
write_data(generate(seed = 505, sizes = c(12, 1), k = 3, wave_means = c(3.2, 3.4, 3.5)))
source("../anova-common/expected.R")
