# The wave ladder with missing answers, full-information ML (lavaan
# missing = "ml": observed-information standard errors, the H1 model by EM).
# Data: the cfa-longitudinal simulation with 20% dropping out before w3 and
# 5% of the remaining answers missing at random.
source("../cfa-common/common.R")
source("../cfa-longitudinal/simulate.R")
d <- simulate_longitudinal(n = 400, seed = 77)
set.seed(78)
drop <- sample(nrow(d), 80)
d[drop, grep("_w3$", names(d))] <- NA
for (j in seq_along(d)) d[runif(nrow(d)) < .05, j] <- NA
write.csv(d, "data.csv", row.names = FALSE, na = "NA")
d <- read.csv("data.csv")
items <- paste0("i", 1:4); waves <- paste0("w", 1:3)
fits <- lapply(0:3, function(l) cfa(long_syntax(items, waves, l), data = d, missing = "ml"))
names(fits) <- levels_named
out <- ladder_json(fits)
out$items <- items; out$waves <- waves
write_expected(out)
