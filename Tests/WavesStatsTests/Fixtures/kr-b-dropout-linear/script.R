# (b) The lmm-b data (random intercept, linear time over 4 waves, monotone dropout plus a few
# missing waves, time x role) under Kenward-Roger, emmeans(~ time | role, at time = 0:3).
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
set.seed(202)
ns <- 80
d <- expand.grid(time = 0:3, subject = 1:ns)
d$role <- factor(ifelse(d$subject %% 3 == 0, "peer-mentor", "learner"))
b <- rnorm(ns, 0, 0.5)
d$y <- 3.4 + 0.12 * d$time + 0.25 * (d$role == "peer-mentor") - 0.05 * d$time * (d$role == "peer-mentor") +
  b[d$subject] + rnorm(nrow(d), 0, 0.4)
last <- sapply(1:ns, function(s) { w <- 0; while (w < 3 && runif(1) > 0.2) w <- w + 1; w })
keep <- d$time <= last[d$subject] & !(runif(nrow(d)) < 0.05 & d$time > 0)
d <- d[keep, ]
write_kr_fixture(y ~ time * role + (1 | subject), d, ~ time | role, at = list(time = 0:3))
