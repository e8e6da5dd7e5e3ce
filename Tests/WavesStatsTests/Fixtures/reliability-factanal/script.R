# Stress set for the one-factor ML fit: 240 correlation matrices with R's
# factanal(factors = 1) solution. Half are bootstrap resamples of the small
# fixture (n = 15, many Heywood cases), half are simulated with k = 3..12
# items, n = 20..300 and loadings from 0.1 to 0.95. Writes expected.json with,
# per matrix, k, the row-major correlations, factanal's uniquenesses, whether
# a uniqueness sits at the bound 0.005 (Heywood), and omega total otherwise.
# Matrices where factanal fails ("unable to optimize") are recorded with
# converged = false.
source("../reliability-common/common.R")
set.seed(5150)
small <- read.csv("../reliability-small/data.csv")
mats <- list()
while (length(mats) < 120) {
  x <- small[sample(nrow(small), replace = TRUE), ]
  if (any(apply(x, 2, sd) == 0)) next
  mats[[length(mats) + 1]] <- cor(x)
}
while (length(mats) < 240) {
  k <- sample(3:12, 1); n <- sample(20:300, 1)
  l <- runif(k, 0.1, 0.95)
  f <- rnorm(n)
  x <- sapply(l, function(li) li * f + sqrt(1 - li^2) * rnorm(n))
  mats[[length(mats) + 1]] <- cor(x)
}
cases <- lapply(mats, function(R) {
  k <- ncol(R)
  fa <- tryCatch(factanal(covmat = R, factors = 1, n.obs = 100), error = function(e) NULL)
  if (is.null(fa)) return(list(k = k, r = I(as.vector(t(R))), converged = FALSE))
  u <- as.vector(fa$uniquenesses); l <- as.vector(fa$loadings)
  hw <- any(u <= 0.005 + 1e-8)
  list(k = k, r = I(as.vector(t(R))), converged = TRUE, heywood = hw,
       uniquenesses = I(u), objective = unname(fa$criteria["objective"]),
       omega = if (hw) NA_real_ else sum(l)^2 / (sum(l)^2 + sum(1 - l^2)))
})
write_json(list(cases = cases, versions = sprintf("%s", R.version.string)), "expected.json")
cat(sum(sapply(cases, function(c) isTRUE(c$heywood))), "Heywood,",
    sum(!sapply(cases, function(c) c$converged)), "failed\n")
