# (a) The lmm-a data (random intercept, 3 waves, wave x role, balanced, 60 participants) under
# Kenward-Roger, with emmeans(~ wave | role) under both df methods.
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
source("../lmm-common/data.R")
d <- lmm_data_a()
write_kr_fixture(y ~ wave * role + (1 | subject), d, ~ wave | role)
