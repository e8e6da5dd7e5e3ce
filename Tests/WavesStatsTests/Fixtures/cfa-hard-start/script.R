# A hard case for starting values: the wave ladder (4 items x 3 waves) on only
# 25 participants (data.csv: simulated 1-5 answers, seed 7 of a stress run of
# the Swift engine). lavaan converges at every level to an improper solution
# (negative residual and factor variances). KNOWN GAP, no test reads this yet:
# Waves does not reach lavaan's optimum here. A work-in-progress that added a
# second start (lavaan's "simple" starts) and a GSL BFGS2 fallback still
# stopped after 1000 iterations at chi-square 89.7 on the configural model
# (lavaan: 41.07), so it was dropped. Complete data, lavaan defaults.
source("../cfa-common/common.R")
d <- read.csv("data.csv")
items <- c("a", "b", "c", "d"); waves <- paste0("w", 1:3)
fits <- lapply(0:3, function(l) cfa(long_syntax(items, waves, l), data = d, meanstructure = TRUE))
names(fits) <- levels_named
out <- ladder_json(fits)
out$items <- items; out$waves <- waves
write_expected(out)
