# The wave ladder (configural, metric, scalar, strict) on a simulated
# longitudinal scale (simulate.R), complete data, lavaan defaults (ML,
# expected information). Expect the scalar step to fail on i3 at w3.
source("../cfa-common/common.R")
source("simulate.R")
write.csv(simulate_longitudinal(), "data.csv", row.names = FALSE)
d <- read.csv("data.csv")
items <- paste0("i", 1:4); waves <- paste0("w", 1:3)
fits <- lapply(0:3, function(l) cfa(long_syntax(items, waves, l), data = d, meanstructure = TRUE))
names(fits) <- levels_named
out <- ladder_json(fits)
out$items <- items; out$waves <- waves
write_expected(out)
