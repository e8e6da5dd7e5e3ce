# (f) The lmm-f data: no participant variance (singular fit, random intercept at zero) under
# Kenward-Roger; emmeans(~ time, at time = 0:2).
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
set.seed(606)
ns <- 30
d <- expand.grid(time = 0:2, subject = 1:ns)
d$y <- 3.5 + 0.1 * d$time + rnorm(nrow(d), 0, 0.4)
res <- write_kr_fixture(y ~ time + (1 | subject), d, ~ time, at = list(time = 0:2))
stopifnot(res$singular)
