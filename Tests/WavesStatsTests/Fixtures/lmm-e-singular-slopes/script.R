# (e) Random intercept and slope requested, but simulated without slope variance:
# lme4 reports a singular (boundary) fit.
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../lmm-common/fit.R")
source("../lmm-common/data.R")
d <- lmm_data_e()
res <- write_fixture(y ~ time + (1 + time | subject), d, slope = "time")
stopifnot(res$singular)
