# Fixture two-groups: Welch's t-test (R t.test) and Hedges' g with its interval
# (effectsize::hedges_g 0.8.3) for completers against dropouts, on generated samples.
# Run from this folder: Rscript script.R  (writes expected.json)
# `g_ci` is the exact root (uniroot, tol 1e-13) of the noncentral t for the pooled t
# statistic, times sqrt(1/n1 + 1/n2) J; `g_ci_effectsize` is what effectsize reports.
suppressPackageStartupMessages({ library(effectsize); library(jsonlite) })
source("../effects-common/noncentral.R")
stopifnot(as.character(packageVersion("effectsize")) == "0.8.3")
set.seed(1515)
cases <- list(
  list(x = round(rnorm(14, 3.6, 0.5), 1), y = round(rnorm(4, 3.2, 0.7), 1)),
  list(x = round(rnorm(40, 3.5, 0.6), 2), y = round(rnorm(25, 3.5, 0.4), 2)),
  list(x = c(3, 3.2, 4.1), y = c(2.2, 2.9)),
  list(x = round(rnorm(120, 4.0, 0.5), 1), y = round(rnorm(60, 3.6, 0.9), 1)))
out <- lapply(cases, function(cs) {
  x <- cs$x; y <- cs$y
  tt <- t.test(x, y)
  g <- hedges_g(x, y)
  n1 <- length(x); n2 <- length(y); df <- n1 + n2 - 2
  sp <- sqrt(((n1 - 1) * var(x) + (n2 - 1) * var(y)) / df)
  tp <- (mean(x) - mean(y)) / (sp * sqrt(1 / n1 + 1 / n2))
  J <- exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))
  list(x = x, y = y, mean_x = mean(x), sd_x = sd(x), mean_y = mean(y), sd_y = sd(y),
       welch = list(t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
                    ci = as.numeric(tt$conf.int)),
       hedges_g = g$Hedges_g,
       g_ci = c(root_t(tp, df, 0.975), root_t(tp, df, 0.025)) * sqrt(1 / n1 + 1 / n2) * J,
       g_ci_effectsize = c(g$CI_low, g$CI_high))
})
writeLines(toJSON(list(r_version = R.version.string, cases = out), auto_unbox = TRUE, digits = I(15),
                  pretty = TRUE), "expected.json")
