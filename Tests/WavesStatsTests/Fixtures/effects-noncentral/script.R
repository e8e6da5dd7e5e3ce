# Fixture effects-noncentral: the noncentral t and F distribution functions (R pt, pf with ncp)
# on a grid, and the noncentrality intervals found as exact roots by uniroot.
# Run from this folder: Rscript script.R  (writes expected.json)
# R's pt uses Lenth's AS 243 series (error bound 1e-12) for |ncp| <= 37.62 and a normal
# approximation beyond, so the grid stays below that; R's pf with ncp sums the series to
# 1e-9 (pnbeta's errmax), which bounds the accuracy of the F values here.
suppressPackageStartupMessages(library(jsonlite))
source("../effects-common/noncentral.R")
t_grid <- expand.grid(t = c(-3.1, -0.4, 0, 0.7, 2.2, 5.5, 14), df = c(2, 9.5, 37, 250), ncp = c(-4.2, -0.3, 0.5, 1.9, 6, 21))
t_grid$p <- mapply(function(t, df, ncp) pt(t, df, ncp), t_grid$t, t_grid$df, t_grid$ncp)
f_grid <- expand.grid(f = c(0.05, 0.8, 2.4, 9.7, 31), df1 = c(1, 2, 4.6), df2 = c(3, 28, 141), ncp = c(0.2, 3.5, 17, 80))
f_grid$p <- mapply(function(f, d1, d2, ncp) pf(f, d1, d2, ncp), f_grid$f, f_grid$df1, f_grid$df2, f_grid$ncp)

t_cases <- data.frame(t = c(-2.5, 0.3, 1.7, 4.9, 11.2), df = c(5, 17, 40, 9, 120))
t_int <- lapply(seq_len(nrow(t_cases)), function(i) with(t_cases[i, ],
  list(t = t, df = df, level = 0.95, ncp = c(root_t(t, df, 0.975), root_t(t, df, 0.025)))))
f_cases <- data.frame(f = c(0.4, 2.9, 3.3, 12.7, 45), df1 = c(2, 1, 3, 2, 4), df2 = c(30, 17, 60, 78, 196))
f_int <- lapply(seq_len(nrow(f_cases)), function(i) with(f_cases[i, ],
  list(f = f, df1 = df1, df2 = df2, level = 0.9, ncp = c(root_f(f, df1, df2, 0.95), root_f(f, df1, df2, 0.05)))))
writeLines(toJSON(list(r_version = R.version.string, t_cdf = t_grid, f_cdf = f_grid,
                       t_intervals = t_int, f_intervals = f_int),
                  auto_unbox = TRUE, digits = I(15), pretty = TRUE), "expected.json")
