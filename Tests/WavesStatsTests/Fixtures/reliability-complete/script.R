# Complete data: n = 200 participants, k = 10 Likert items (1..5), one factor.
# Writes data.csv and expected.json. Run: Rscript script.R
source("../reliability-common/common.R")
set.seed(20240501)
x <- simulate_likert(200, c(.70, .60, .65, .50, .55, .70, .45, .60, .50, .65))
write_items(x, "data.csv")
d <- read.csv("data.csv")
write_json(reliability_expected(d), "expected.json")
