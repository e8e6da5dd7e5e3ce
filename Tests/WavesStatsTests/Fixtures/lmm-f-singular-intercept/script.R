# (f) Random intercept simulated with no subject variance: the intercept variance is
# estimated at zero (singular fit).
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../lmm-common/fit.R")
source("../lmm-common/data.R")
d <- lmm_data_f()
res <- write_fixture(y ~ time + (1 | subject), d)
stopifnot(res$singular)
