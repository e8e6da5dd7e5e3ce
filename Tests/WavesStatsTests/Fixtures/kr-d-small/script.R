# (d) The lmm-d data (12 participants, 3 waves, one missing score, wave x role): the small
# sample Kenward-Roger is for; emmeans(~ wave | role).
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
source("../lmm-common/data.R")
d <- lmm_data_d()
write_kr_fixture(y ~ wave * role + (1 | subject), d, ~ wave | role)
