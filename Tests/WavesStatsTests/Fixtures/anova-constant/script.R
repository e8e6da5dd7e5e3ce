# Fixture anova-constant: 3 waves, 15 participants, everyone has the same score (3.0) at wave 2
# Run from this folder: Rscript script.R  (writes data.csv if absent, then expected.json)
source("../anova-common/generate.R")
d <- generate(seed = 606, sizes = 15, k = 3, wave_means = c(3.2, 3.0, 3.5)); d$w2 <- 3; write_data(d)
source("../anova-common/expected.R")
