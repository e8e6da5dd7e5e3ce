# Fixture little-mcar: Little's (1988) MCAR test.
# Run from this folder: Rscript script.R  (writes airquality.csv and expected.json)
#
# naniar (not in Debian) gives for mcar_test(airquality): statistic 35.1, df 14,
# p.value 0.00142, 4 missing patterns (naniar's documentation). This script implements the
# same formula independently: maximum-likelihood mean and covariance by EM under
# multivariate normality (run to a 1e-13 relative change, tighter than norm::em.norm's
# default, which naniar uses), then d2 = sum_j n_j (ybar_j - mu_j)' Sigma_j^-1 (ybar_j - mu_j)
# over the missing-data patterns, df = sum_j p_j - p. It checks the published numbers to
# their printed precision and records full-precision values for the Swift test.
#
# demo-identity.csv is the identity scale of the demo study, as written by
#   waves score --study datasets/pmi-demo --instrument identity --csv   (rows of scale "identity")
# and is analysed as the participants x waves matrix (participants with at least one score).
suppressPackageStartupMessages(library(jsonlite))

em_mvn <- function(y, tol = 1e-13, maxit = 100000) {
  y <- as.matrix(y)
  y <- y[rowSums(!is.na(y)) > 0, , drop = FALSE]
  n <- nrow(y); p <- ncol(y)
  mu <- colMeans(y, na.rm = TRUE)
  sigma <- diag(apply(y, 2, function(v) { v <- v[!is.na(v)]; mean((v - mean(v))^2) }), p)
  for (it in 1:maxit) {
    t1 <- numeric(p); t2 <- matrix(0, p, p)
    for (i in 1:n) {
      o <- !is.na(y[i, ]); m <- !o
      yi <- y[i, ]
      if (any(m)) {
        b <- sigma[m, o, drop = FALSE] %*% solve(sigma[o, o, drop = FALSE])
        yi[m] <- mu[m] + b %*% (y[i, o] - mu[o])
        t2[m, m] <- t2[m, m] + sigma[m, m, drop = FALSE] - b %*% sigma[o, m, drop = FALSE]
      }
      t1 <- t1 + yi
      t2 <- t2 + yi %o% yi
    }
    mu_new <- t1 / n
    sigma_new <- t2 / n - mu_new %o% mu_new
    change <- max(abs(c(mu_new - mu, sigma_new - sigma)))
    size <- max(abs(c(mu_new, sigma_new)))
    mu <- mu_new; sigma <- sigma_new
    if (change <= tol * (1 + size)) break
  }
  list(mu = mu, sigma = sigma, iterations = it, y = y)
}

little <- function(data) {
  fit <- em_mvn(data)
  y <- fit$y; p <- ncol(y)
  key <- apply(!is.na(y), 1, function(r) paste(as.integer(r), collapse = ""))
  d2 <- 0; df <- -p
  for (k in unique(key)) {
    rows <- y[key == k, , drop = FALSE]
    o <- !is.na(rows[1, ])
    diff <- colMeans(rows[, o, drop = FALSE]) - fit$mu[o]
    d2 <- d2 + nrow(rows) * drop(t(diff) %*% solve(fit$sigma[o, o, drop = FALSE]) %*% diff)
    df <- df + sum(o)
  }
  list(chisq = d2, df = df, p = pchisq(d2, df, lower.tail = FALSE), patterns = length(unique(key)),
       n = nrow(y), mean = unname(fit$mu), covariance = unname(c(t(fit$sigma))), iterations = fit$iterations)
}

write.csv(datasets::airquality, "airquality.csv", row.names = FALSE, na = "")
air <- little(datasets::airquality)
stopifnot(round(air$chisq, 1) == 35.1, air$df == 14, round(air$p, 5) == 0.00142, air$patterns == 4)

long <- read.csv("demo-identity.csv")
long <- long[long$scale == "identity", ]
wide <- reshape(long[, c("participant", "wave", "score")], idvar = "participant", timevar = "wave",
                direction = "wide")
wide <- wide[order(wide$participant), c("score.w1", "score.w2", "score.w3")]
demo <- little(wide)

writeLines(toJSON(list(r_version = R.version.string,
                       published = list(chisq = 35.1, df = 14, p = 0.00142, patterns = 4),
                       airquality = air, demo_identity = demo),
                  auto_unbox = TRUE, digits = I(15), pretty = TRUE), "expected.json")
