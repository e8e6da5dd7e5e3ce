# Benchmark twin of `waves reliability`: psych::alpha on the same item matrix.
# Usage: Rscript alpha.R items.csv   -> prints seconds and raw_alpha
suppressMessages(library(psych))
args <- commandArgs(trailingOnly = TRUE)
x <- read.csv(args[1])
t0 <- proc.time()[["elapsed"]]
a <- psych::alpha(x, check.keys = FALSE, warnings = FALSE, n.iter = 1)
secs <- proc.time()[["elapsed"]] - t0
cat(sprintf("seconds %.3f raw_alpha %.10f\n", secs, a$total$raw_alpha))
