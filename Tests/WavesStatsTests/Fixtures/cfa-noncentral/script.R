# The noncentral chi-square distribution function behind lavaan's RMSEA
# interval: R pchisq(x, df, ncp) on a grid of small and large values.
suppressPackageStartupMessages(library(jsonlite))
grid <- expand.grid(x = c(0.5, 5, 24, 85.3, 400, 3000), df = c(1, 6, 24, 300), ncp = c(0, 0.7, 12, 61.3, 900))
grid$p <- mapply(function(x, df, ncp) pchisq(x, df, ncp), grid$x, grid$df, grid$ncp)
write_json(grid, "expected.json", digits = NA, pretty = TRUE)
