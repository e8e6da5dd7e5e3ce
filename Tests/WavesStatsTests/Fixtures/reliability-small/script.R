# Small sample: n = 15 participants, k = 6 items.
source("../reliability-common/common.R")
set.seed(15)
x <- simulate_likert(15, c(.75, .7, .65, .7, .6, .75))
write_items(x, "data.csv")
d <- read.csv("data.csv")
write_json(reliability_expected(d), "expected.json")
