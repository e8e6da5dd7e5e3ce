# Benchmark twin of `waves change --between role`: afex::aov_ez on the same scores.
# Usage: Rscript anova.R scores-long.csv  (columns participant, role, wave, score)
suppressMessages(library(afex))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
d$participant <- factor(d$participant); d$role <- factor(d$role); d$wave <- factor(d$wave)
t0 <- proc.time()[["elapsed"]]
fit <- suppressMessages(afex::aov_ez("participant", "score", d, between = "role", within = "wave"))
s <- summary(fit)
secs <- proc.time()[["elapsed"]] - t0
cat(sprintf("seconds %.3f F_wave %.10f\n", secs, fit$anova_table["wave", "F"]))
