# Fixture effects-anova: d_z intervals of every post hoc pair and partial eta squared intervals
# of every ANOVA effect, on the data of the anova-* fixtures (read from their folders).
# Run from this folder: Rscript script.R  (writes expected.json)
# `dz_ci` / `pes_ci` are the exact roots (uniroot, tol 1e-13) of the noncentral t / F
# distribution functions, the definition of spec/cli.md; `*_effectsize` are what
# effectsize 0.8.3 reports (its optim() can stop short of the roots; the test measures by
# how much).
suppressPackageStartupMessages({ library(effectsize); library(jsonlite) })
source("../effects-common/noncentral.R")
stopifnot(as.character(packageVersion("effectsize")) == "0.8.3")
one <- function(name) {
  d <- read.csv(file.path("..", name, "data.csv"))
  e <- fromJSON(file.path("..", name, "expected.json"), simplifyVector = FALSE)
  w <- grep("^w", names(d), value = TRUE)
  n <- nrow(d)
  posthoc <- list()
  for (a in seq_along(w)) for (b in seq_along(w)) if (a < b) {
    diff <- d[[w[b]]] - d[[w[a]]]
    s <- if (n > 1) sd(diff) else NA
    row <- list(a = a - 1, b = b - 1, n = n, dz = NULL, dz_ci = NULL, dz_ci_effectsize = NULL)
    if (!is.na(s) && s > 0) {
      dz <- mean(diff) / s
      t <- dz * sqrt(n)
      es <- cohens_d(d[[w[b]]], d[[w[a]]], paired = TRUE)
      row$dz <- dz
      row$dz_ci <- c(root_t(t, n - 1, 0.975), root_t(t, n - 1, 0.025)) / sqrt(n)
      row$dz_ci_effectsize <- c(es$CI_low, es$CI_high)
    }
    posthoc[[length(posthoc) + 1]] <- row
  }
  anova <- lapply(e$anova, function(x) {
    row <- list(effect = x$effect, F = x$F, df1 = x$df1, df2 = x$df2, pes = x$pes)
    if (!is.null(x$F)) {
      lam <- c(root_f(x$F, x$df1, x$df2, 0.95), root_f(x$F, x$df1, x$df2, 0.05))
      es <- F_to_eta2(x$F, x$df1, x$df2, ci = 0.9, alternative = "two.sided")
      row$pes_ci <- lam / (lam + x$df2)
      row$pes_ci_effectsize <- c(es$CI_low, es$CI_high)
      row$pes_effectsize <- es$Eta2_partial
    }
    row
  })
  list(name = name, posthoc = posthoc, anova = anova)
}
names <- c("anova-balanced", "anova-unbalanced", "anova-small", "anova-twowave", "anova-singleton",
           "anova-constant", "anova-singular")
writeLines(toJSON(list(r_version = R.version.string, effectsize = "0.8.3", fixtures = lapply(names, one)),
                  auto_unbox = TRUE, digits = I(15), pretty = TRUE, null = "null"), "expected.json")
