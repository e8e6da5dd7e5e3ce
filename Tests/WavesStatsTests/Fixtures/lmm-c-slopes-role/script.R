# (c) Correlated random intercept and slope for linear time (unequal spacing), time x role,
# with some dropout.
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../lmm-common/fit.R")
source("../lmm-common/data.R")
d <- lmm_data_c()
write_fixture(y ~ time * role + (1 + time | subject), d, slope = "time",
              contrasts = list(c(0, 1, 0, 1)))
