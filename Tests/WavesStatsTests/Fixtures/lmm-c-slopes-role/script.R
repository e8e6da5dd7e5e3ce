# (c) Correlated random intercept and slope for linear time (unequal spacing), time x role,
# with some dropout.
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../lmm-common/fit.R")
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
write_fixture(y ~ time * role + (1 + time | subject), d, slope = "time",
              contrasts = list(c(0, 1, 0, 1)))
