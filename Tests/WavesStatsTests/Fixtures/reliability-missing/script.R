# Missing cells: n = 200, k = 8, about 6% of cells missing (NA in data.csv).
# Expected values use the listwise complete rows, as Waves does.
source("../reliability-common/common.R")
set.seed(7301)
x <- simulate_likert(200, c(.65, .55, .70, .60, .50, .60, .45, .70))
x[matrix(runif(length(x)) < 0.06, nrow(x))] <- NA
write_items(x, "data.csv")
d <- read.csv("data.csv")
write_json(reliability_expected(na.omit(d)), "expected.json")
