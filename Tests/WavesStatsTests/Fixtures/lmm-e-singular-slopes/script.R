# (e) Random intercept and slope requested, but simulated without slope variance:
# lme4 reports a singular (boundary) fit.
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../lmm-common/fit.R")
set.seed(505)
ns <- 40
d <- expand.grid(time = 0:3, subject = 1:ns)
b <- rnorm(ns, 0, 0.5)
d$y <- 3.5 + 0.1 * d$time + b[d$subject] + rnorm(nrow(d), 0, 0.4)
res <- write_fixture(y ~ time + (1 + time | subject), d, slope = "time")
stopifnot(res$singular)
