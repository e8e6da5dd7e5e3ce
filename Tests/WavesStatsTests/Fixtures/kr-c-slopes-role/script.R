# (c) The lmm-c data (correlated random intercept and slope, unequal times, role) under
# Kenward-Roger, emmeans(~ time | role, at time = c(0, 0.5, 1, 2)).
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
set.seed(303)
ns <- 120
times <- c(0, 0.5, 1, 2)
d <- expand.grid(time = times, subject = 1:ns)
d$role <- factor(ifelse(d$subject %% 2 == 0, "peer-mentor", "learner"))
S <- matrix(c(0.25, 0.3 * 0.5 * 0.2, 0.3 * 0.5 * 0.2, 0.04), 2)
U <- matrix(rnorm(2 * ns), ns) %*% chol(S)
d$y <- 3.6 + 0.1 * d$time + 0.15 * (d$role == "peer-mentor") + 0.08 * d$time * (d$role == "peer-mentor") +
  U[d$subject, 1] + U[d$subject, 2] * d$time + rnorm(nrow(d), 0, 0.3)
drop <- runif(nrow(d)) < 0.08 & d$time > 0
d <- d[!drop, ]
write_kr_fixture(y ~ time * role + (1 + time | subject), d, ~ time | role, at = list(time = times), slope = "time")
