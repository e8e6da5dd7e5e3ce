# Expected values for AttritionCommandTests: `waves attrition` on the demo study
# (datasets/pmi-demo), scales identity and belonging, lost by w3 and by w2.
#
# Input: ../demo-r/identity-scores.csv (written by `waves score --study datasets/pmi-demo
# --instrument identity --csv`; DemoAgainstRTests.testFixtureInputsAreCurrent keeps it current).
# Output: expected.json (full precision). Run from this folder: Rscript script.R
# R 4.2 with effectsize 0.8.3, jsonlite.
#
# completers: a score at w1 and at the 'to' wave; dropouts: a score at w1 and none at 'to'.
# welch: t.test(completers, dropouts); hedges_g: effectsize::hedges_g(completers, dropouts),
# g_ci the exact noncentral-t roots (../../../WavesStatsTests/Fixtures/effects-common/noncentral.R;
# effectsize's own optimiser stops slightly short, kept as g_ci_effectsize); fisher_p:
# fisher.test on the role x (completer, dropout) table. Little's MCAR test: naniar is not in
# Debian, so the EM (ML mean and covariance under multivariate normality, to a 1e-13
# relative change) and d2 = sum_j n_j (ybar_j - mu_j)' Sigma_j^-1 (ybar_j - mu_j), df = sum p_j - p,
# are written out below with base R; for the identity scale the result is checked against
# WavesStatsTests/Fixtures/little-mcar/expected.json (demo_identity), which reproduces
# naniar's published mcar_test(airquality) value.
suppressPackageStartupMessages({ library(effectsize); library(jsonlite) })
stopifnot(as.character(packageVersion("effectsize")) == "0.8.3")
source("../../../WavesStatsTests/Fixtures/effects-common/noncentral.R")

sc <- read.csv("../demo-r/identity-scores.csv", stringsAsFactors = FALSE)
sc <- sc[!is.na(sc$score), ]

em_mvn <- function(y, tol = 1e-13, maxit = 100000) {
  n <- nrow(y); p <- ncol(y)
  mu <- colMeans(y, na.rm = TRUE)
  sigma <- diag(apply(y, 2, function(v) { v <- v[!is.na(v)]; mean((v - mean(v))^2) }), p)
  for (it in 1:maxit) {
    t1 <- numeric(p); t2 <- matrix(0, p, p)
    for (i in 1:n) {
      o <- !is.na(y[i, ]); m <- !o; yi <- y[i, ]
      if (any(m)) {
        b <- sigma[m, o, drop = FALSE] %*% solve(sigma[o, o, drop = FALSE])
        yi[m] <- mu[m] + b %*% (y[i, o] - mu[o])
        t2[m, m] <- t2[m, m] + sigma[m, m, drop = FALSE] - b %*% sigma[o, m, drop = FALSE]
      }
      t1 <- t1 + yi; t2 <- t2 + yi %o% yi
    }
    mu_new <- t1 / n; sigma_new <- t2 / n - mu_new %o% mu_new
    change <- max(abs(c(mu_new - mu, sigma_new - sigma))); size <- max(abs(c(mu_new, sigma_new)))
    mu <- mu_new; sigma <- sigma_new
    if (change <= tol * (1 + size)) break
  }
  list(mu = mu, sigma = sigma)
}
little <- function(y) {
  y <- as.matrix(y); y <- y[rowSums(!is.na(y)) > 0, , drop = FALSE]
  fit <- em_mvn(y); p <- ncol(y)
  key <- apply(!is.na(y), 1, function(r) paste(as.integer(r), collapse = ""))
  d2 <- 0; df <- -p
  for (k in unique(key)) {
    rows <- y[key == k, , drop = FALSE]; o <- !is.na(rows[1, ])
    diff <- colMeans(rows[, o, drop = FALSE]) - fit$mu[o]
    d2 <- d2 + nrow(rows) * drop(t(diff) %*% solve(fit$sigma[o, o, drop = FALSE]) %*% diff)
    df <- df + sum(o)
  }
  list(chisq = d2, df = df, p = pchisq(d2, df, lower.tail = FALSE), patterns = length(unique(key)), n = nrow(y))
}

one <- function(scale, to) {
  s <- sc[sc$scale == scale, ]
  w <- reshape(s[, c("participant", "role", "wave", "score")], idvar = c("participant", "role"),
               timevar = "wave", direction = "wide")
  w <- w[order(w$participant), ]
  base <- w[!is.na(w$score.w1), ]
  stayed <- !is.na(base[[paste0("score.", to)]])
  x <- base$score.w1[stayed]; y <- base$score.w1[!stayed]
  tt <- t.test(x, y)
  g <- hedges_g(x, y)
  n1 <- length(x); n2 <- length(y); df <- n1 + n2 - 2
  sp <- sqrt(((n1 - 1) * var(x) + (n2 - 1) * var(y)) / df)
  tp <- (mean(x) - mean(y)) / (sp * sqrt(1 / n1 + 1 / n2))
  J <- exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))
  tab <- table(factor(base$role), factor(ifelse(stayed, "completer", "dropout"), levels = c("completer", "dropout")))
  lm <- little(w[, c("score.w1", "score.w2", "score.w3")])
  list(scale = scale, to = to,
       completers = list(n = n1, mean = mean(x), sd = sd(x)), dropouts = list(n = n2, mean = mean(y), sd = sd(y)),
       welch = list(t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value),
       hedges_g = g$Hedges_g,
       g_ci = c(root_t(tp, df, 0.975), root_t(tp, df, 0.025)) * sqrt(1 / n1 + 1 / n2) * J,
       g_ci_effectsize = c(g$CI_low, g$CI_high),
       roles = lapply(rownames(tab), function(r) list(role = r, completers = tab[r, "completer"], dropouts = tab[r, "dropout"])),
       fisher_p = fisher.test(tab)$p.value,
       little_mcar = lm)
}

cases <- list(one("identity", "w3"), one("identity", "w2"), one("belonging", "w3"))
ref <- fromJSON("../../../WavesStatsTests/Fixtures/little-mcar/expected.json")$demo_identity
stopifnot(abs(cases[[1]]$little_mcar$chisq - ref$chisq) < 1e-9, cases[[1]]$little_mcar$df == ref$df)
writeLines(toJSON(list(r_version = R.version.string, cases = cases), auto_unbox = TRUE, digits = I(15), pretty = TRUE),
           "expected.json")
