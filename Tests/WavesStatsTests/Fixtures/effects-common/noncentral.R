# Shared by the effects-* and two-groups fixture scripts: the exact noncentrality bounds.
# root_t: the ncp with pt(t, df, ncp) = q; root_f: the lambda with pf(f, df1, df2, lambda) = q,
# 0 when even lambda = 0 gives a probability at or below q. uniroot runs to 1e-13 / 1e-12.
root_t <- function(t, df, q) uniroot(function(x) pt(t, df, x) - q, c(t - 8 - abs(t), t + 8 + abs(t)),
                                     tol = 1e-13, maxiter = 1000)$root
root_f <- function(f, df1, df2, q) {
  if (pf(f, df1, df2) <= q) return(0)
  hi <- 10 + 4 * f * df1
  while (pf(f, df1, df2, hi) > q) hi <- hi * 2
  uniroot(function(x) pf(f, df1, df2, x) - q, c(0, hi), tol = 1e-12, maxiter = 1000)$root
}
