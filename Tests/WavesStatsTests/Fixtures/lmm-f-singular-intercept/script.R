# (f) Random intercept simulated with no subject variance: the intercept variance is
# estimated at zero (singular fit).
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../lmm-common/fit.R")
set.seed(606)
ns <- 30
d <- expand.grid(time = 0:2, subject = 1:ns)
d$y <- 3.5 + 0.1 * d$time + rnorm(nrow(d), 0, 0.4)
res <- write_fixture(y ~ time + (1 | subject), d)
stopifnot(res$singular)
