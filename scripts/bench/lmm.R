# Benchmark twin of `waves lmm --time linear --between role --slopes`: lmerTest on the same scores.
# Usage: Rscript lmm.R scores-long.csv  (columns participant, role, time, score)
suppressMessages(library(lmerTest))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
d$participant <- factor(d$participant); d$role <- factor(d$role, levels = c("mentee", "peer-mentor"))
t0 <- proc.time()[["elapsed"]]
fit <- lmerTest::lmer(score ~ time * role + (1 + time | participant), data = d, REML = TRUE)
co <- summary(fit)$coefficients
secs <- proc.time()[["elapsed"]] - t0
cat(sprintf("seconds %.3f time_estimate %.10f loglik %.6f\n", secs, co["time", "Estimate"], as.numeric(logLik(fit))))
