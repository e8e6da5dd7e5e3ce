# (b) The lmm-b data (random intercept, linear time over 4 waves, monotone dropout plus a few
# missing waves, time x role) under Kenward-Roger, emmeans(~ time | role, at time = 0:3).
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
source("../lmm-common/data.R")
d <- lmm_data_b()
write_kr_fixture(y ~ time * role + (1 | subject), d, ~ time | role, at = list(time = 0:3))
