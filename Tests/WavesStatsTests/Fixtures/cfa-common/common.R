# Shared helpers for the cfa-* fixtures: run from a fixture folder with
#   Rscript script.R
# Needs lavaan 0.6-14 and jsonlite. Every number the Swift tests compare is
# written by lavaan itself (fitMeasures, parameterEstimates,
# standardizedSolution, lavTestLRT, lavTestScore).
suppressPackageStartupMessages({ library(lavaan); library(jsonlite) })
stopifnot(packageVersion("lavaan") == "0.6.14")

# One fitted model as a list: lavaan's fit measures, and every parameter
# (lhs, op, rhs, group, free, plabel, est, se, std.all) in partable order.
fit_json <- function(fit) {
  fm <- fitMeasures(fit, c("npar", "ntotal", "chisq", "df", "pvalue", "cfi", "tli",
                           "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr",
                           "aic", "bic", "logl", "unrestricted.logl",
                           "baseline.chisq", "baseline.df"))
  pt <- parTable(fit)
  keep <- pt$op %in% c("=~", "~~", "~1")
  pe <- parameterEstimates(fit, remove.eq = TRUE, remove.system.eq = TRUE,
                           remove.ineq = TRUE, remove.def = TRUE)
  std <- standardizedSolution(fit, type = "std.all", remove.eq = TRUE,
                              remove.ineq = TRUE, remove.def = TRUE)
  stopifnot(nrow(pe) == sum(keep), nrow(std) == sum(keep))
  pt <- pt[keep, ]
  params <- data.frame(lhs = pt$lhs, op = pt$op, rhs = pt$rhs, group = pt$group,
                       free = pt$free > 0, plabel = pt$plabel,
                       est = pe$est, se = pe$se, std_all = std$est.std)
  list(converged = lavInspect(fit, "converged"),
       n = as.list(lavInspect(fit, "nobs")),
       fit = as.list(fm), parameters = params)
}

# lavTestLRT of two nested models, as the Swift comparison reports it.
lrt_json <- function(less, more, from, to) {
  t <- lavTestLRT(less, more)
  fl <- fitMeasures(less, c("cfi", "rmsea")); fm <- fitMeasures(more, c("cfi", "rmsea"))
  list(from = from, to = to, delta_chisq = t[2, "Chisq diff"], delta_df = t[2, "Df diff"],
       p = t[2, "Pr(>Chisq)"], delta_cfi = unname(fm["cfi"] - fl["cfi"]),
       delta_rmsea = unname(fm["rmsea"] - fl["rmsea"]))
}

# lavTestScore's univariate tests: one row per equality constraint
# (.pA. == .pB., the plabels of the two parameters).
score_json <- function(fit) {
  u <- lavTestScore(fit)$uni
  data.frame(lhs = u$lhs, rhs = u$rhs, x2 = u$X2, p = u$p.value)
}

write_expected <- function(x, file = "expected.json") {
  write_json(x, file, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE)
}

# Longitudinal syntax: one factor per wave over items named <item>_<wave>;
# marker loading 1; same-item residuals covary across waves; the first
# wave's latent mean 0, later ones free from the scalar level on.
# level: 0 configural, 1 metric (loadings equal), 2 scalar (+ intercepts),
# 3 strict (+ residual variances).
long_syntax <- function(items, waves, level) {
  k <- length(items); lines <- character(0)
  for (t in seq_along(waves)) {
    v <- paste0(items, "_", waves[t])
    lam <- c("1*", if (level >= 1) paste0("L", 2:k, "*") else rep("", k - 1))
    lines <- c(lines, paste0("f", t, " =~ ", paste0(lam, v, collapse = " + ")))
    nu <- if (level >= 2) paste0("N", 1:k, "*") else rep("", k)
    lines <- c(lines, paste0(v, " ~ ", nu, "1"))
    th <- if (level >= 3) paste0("T", 1:k, "*") else rep("", k)
    lines <- c(lines, paste0(v, " ~~ ", th, v))
    lines <- c(lines, paste0("f", t, if (t > 1 && level >= 2) " ~ NA*1" else " ~ 0*1"))
  }
  for (i in seq_len(k)) for (t in seq_along(waves)) for (s in seq_along(waves)) if (s > t)
    lines <- c(lines, paste0(items[i], "_", waves[t], " ~~ ", items[i], "_", waves[s]))
  paste(lines, collapse = "\n")
}

levels_named <- c("configural", "metric", "scalar", "strict")

# The whole ladder (four fits, three comparisons, the scalar model's latent
# means and score tests) for a list of fitted models named by level.
ladder_json <- function(fits) {
  comps <- lapply(2:4, function(i) lrt_json(fits[[i - 1]], fits[[i]], levels_named[i - 1], levels_named[i]))
  list(models = lapply(fits, fit_json), comparisons = comps, scalar_score = score_json(fits[[3]]))
}
