# Reverse-keyed items: n = 150, k = 10 on 1..5; items 3, 6 and 9 are worded in
# reverse. data.csv holds the raw answers; the expected values are for the data
# after reversing those items as (min + max) - value = 6 - value.
source("../reliability-common/common.R")
set.seed(99)
x <- simulate_likert(150, c(.6, .7, .55, .6, .5, .65, .7, .45, .6, .55))
rev_items <- c(3, 6, 9)
x[, rev_items] <- 6L - x[, rev_items]
write_items(x, "data.csv")
d <- read.csv("data.csv")
d[, rev_items] <- 6 - d[, rev_items]
e <- reliability_expected(d)
e$reverse_columns <- I(rev_items - 1)  # 0-based for Swift
e$scale_min <- 1; e$scale_max <- 5
write_json(e, "expected.json")
