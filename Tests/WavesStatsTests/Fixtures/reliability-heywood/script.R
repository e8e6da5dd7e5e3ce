# Heywood case: 4 continuous items whose correlations imply a communality
# above 1 for item 1 (r12 = r13 = .85, r23 = .55), so factanal() stops at the
# lower bound 0.005 for its uniqueness and omega is not reported.
source("../reliability-common/common.R")
set.seed(4242)
S <- matrix(c(1, .85, .85, .5,
              .85, 1, .55, .4,
              .85, .55, 1, .4,
              .5, .4, .4, 1), 4)
x <- matrix(rnorm(300 * 4), 300) %*% chol(S)
x <- round(x, 6)
write_items(x, "data.csv")
d <- read.csv("data.csv")
write_json(reliability_expected(d), "expected.json")
