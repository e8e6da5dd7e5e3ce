# (b) Random intercept, linear time over 4 waves, with dropout (monotone, plus a few
# intermittent missing waves), time x role.
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../lmm-common/fit.R")
source("../lmm-common/data.R")
d <- lmm_data_b()
write_fixture(y ~ time * role + (1 | subject), d, contrasts = list(c(0, 1, 0, 1)))
