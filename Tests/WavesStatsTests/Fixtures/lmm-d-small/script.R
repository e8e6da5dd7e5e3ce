# (d) Few subjects (12): random intercept, categorical time (3 waves) x role, one missing score.
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../lmm-common/fit.R")
source("../lmm-common/data.R")
d <- lmm_data_d()
write_fixture(y ~ wave * role + (1 | subject), d, contrasts = list(c(0, -1, 1, 0, 0, 0)))
