# A Heywood case: one factor over four items whose correlations imply a
# communality above 1 for h1 (r12 = r13 = .85, r23 = .55); lavaan (no
# bounds by default) estimates a negative residual variance for h1 and warns.
source("../cfa-common/common.R")
set.seed(4243)
S <- matrix(c(1, .85, .85, .5,
              .85, 1, .55, .4,
              .85, .55, 1, .4,
              .5, .4, .4, 1), 4)
d <- as.data.frame(round(matrix(rnorm(250 * 4), 250) %*% chol(S), 5))
names(d) <- paste0("h", 1:4)
write.csv(d, "data.csv", row.names = FALSE)
d <- read.csv("data.csv")
fit <- cfa("f =~ h1 + h2 + h3 + h4", data = d)
out <- fit_json(fit)
stopifnot(out$parameters$est[out$parameters$lhs == "h1" & out$parameters$rhs == "h1"] < 0)
write_expected(list(single = out))
