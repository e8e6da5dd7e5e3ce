# Benchmark twin of `waves power --design lmm-slope --participants 60 --waves 4 --sims S`:
# the same loop in R (simr's approach): simulate score = effect * time + b0 + b1 * time + e with
# intercept SD 1, slope SD 0.1, correlation 0, residual SD 1, fit lmerTest::lmer(y ~ time + (1 + time | id))
# by REML, and count Satterthwaite p < 0.05 for time.
# Usage: Rscript power.R SIMS EFFECT   (prints "seconds S power P singular Q failed F")
suppressMessages(library(lmerTest))
args <- commandArgs(trailingOnly = TRUE)
sims <- as.integer(args[1]); effect <- as.numeric(args[2])
n <- 60; k <- 4
set.seed(1)
time <- rep(0:(k - 1), n); id <- factor(rep(seq_len(n), each = k))
significant <- 0; singular <- 0; failed <- 0
t0 <- proc.time()[["elapsed"]]
for (i in seq_len(sims)) {
  b0 <- rnorm(n, 0, 1); b1 <- rnorm(n, 0, 0.1)
  d <- data.frame(y = effect * time + b0[id] + b1[id] * time + rnorm(n * k, 0, 1), time = time, id = id)
  r <- tryCatch(suppressWarnings(suppressMessages({
    fit <- lmerTest::lmer(y ~ time + (1 + time | id), data = d, REML = TRUE)
    c(summary(fit)$coefficients["time", "Pr(>|t|)"] < 0.05, isSingular(fit))
  })), error = function(e) c(NA, NA))
  if (is.na(r[1])) failed <- failed + 1 else { significant <- significant + r[1]; singular <- singular + r[2] }
}
secs <- proc.time()[["elapsed"]] - t0
cat(sprintf("seconds %.3f power %.4f singular %.4f failed %d\n", secs, significant / sims, singular / sims, failed))
