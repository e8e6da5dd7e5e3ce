# Benchmark twin of `waves invariance` across waves: lavaan's four-level ladder
# (the model of Tests/WavesStatsTests/Fixtures/cfa-common/common.R), lavTestLRT
# and lavTestScore on the scalar model, on the same CSV.
# Usage: Rscript cfa.R cfa-long.csv   -> prints seconds and the chi-squares
suppressMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
items <- unique(sub("_.*", "", names(d))); waves <- unique(sub(".*_", "", names(d)))
long_syntax <- function(items, waves, level) {
  k <- length(items); lines <- character(0)
  for (t in seq_along(waves)) {
    v <- paste0(items, "_", waves[t])
    lam <- c("1*", if (level >= 1) paste0("L", 2:k, "*") else rep("", k - 1))
    lines <- c(lines, paste0("f", t, " =~ ", paste0(lam, v, collapse = " + ")))
    nu <- if (level >= 2) paste0("N", 1:k, "*") else rep("", k)
    lines <- c(lines, paste0(v, " ~ ", nu, "1"))
    th <- if (level >= 3) paste0("T", 1:k, "*") else rep("", k)
    lines <- c(lines, paste0(v, " ~~ ", th, v))
    lines <- c(lines, paste0("f", t, if (t > 1 && level >= 2) " ~ NA*1" else " ~ 0*1"))
  }
  for (i in seq_len(k)) for (t in seq_along(waves)) for (s in seq_along(waves)) if (s > t)
    lines <- c(lines, paste0(items[i], "_", waves[t], " ~~ ", items[i], "_", waves[s]))
  paste(lines, collapse = "\n")
}
t0 <- proc.time()[["elapsed"]]
fits <- lapply(0:3, function(l) cfa(long_syntax(items, waves, l), data = d))
lrt <- lavTestLRT(fits[[1]], fits[[2]], fits[[3]], fits[[4]])
score <- lavTestScore(fits[[3]])
secs <- proc.time()[["elapsed"]] - t0
cat(sprintf("seconds %.3f chisq %s\n", secs, paste(sprintf("%.3f", sapply(fits, fitMeasures, "chisq")), collapse = ",")))
