# (e) The lmm-e data: a random slope with no slope variance (singular fit) under
# Kenward-Roger; emmeans(~ time, at time = 0:3).
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
set.seed(505)
ns <- 40
d <- expand.grid(time = 0:3, subject = 1:ns)
b <- rnorm(ns, 0, 0.5)
d$y <- 3.5 + 0.1 * d$time + b[d$subject] + rnorm(nrow(d), 0, 0.4)
res <- write_kr_fixture(y ~ time + (1 + time | subject), d, ~ time, at = list(time = 0:3), slope = "time")
stopifnot(res$singular)
