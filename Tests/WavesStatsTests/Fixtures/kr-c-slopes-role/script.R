# (c) The lmm-c data (correlated random intercept and slope, unequal times, role) under
# Kenward-Roger, emmeans(~ time | role, at time = c(0, 0.5, 1, 2)).
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
source("../lmm-common/data.R")
d <- lmm_data_c()
write_kr_fixture(y ~ time * role + (1 + time | subject), d, ~ time | role, at = list(time = c(0, 0.5, 1, 2)), slope = "time")
