# Shared by the kr-* fixture scripts: fits one lmer model (tight REML optimum, as
# ../lmm-common/fit.R) and writes data.csv (subject, y, slope covariate, the design columns
# x1..xp) and expected.json with
#   - the Kenward-Roger coefficient table, summary(fit, ddf = "Kenward-Roger") (lmerTest 3.1),
#   - pbkrtest::vcovAdj(fit), the adjusted covariance of the fixed effects,
#   - estimated marginal means under both df methods, emmeans(fit, specs, lmer.df = ...)
#     (emmeans 1.8.4), each row with its linear function L (emm@linfct) so that the Swift
#     test evaluates exactly the same contrast.
source("../lmm-common/fit.R")
suppressPackageStartupMessages({ library(pbkrtest); library(emmeans) })
emm_options(pbkrtest.limit = 1e6, lmerTest.limit = 1e6)

emm_rows <- function(fit, specs, at, method) {
  e <- if (is.null(at)) emmeans(fit, specs, lmer.df = method) else emmeans(fit, specs, at = at, lmer.df = method)
  s <- as.data.frame(summary(e))
  L <- e@linfct
  lapply(seq_len(nrow(s)), function(i) {
    row <- list(L = unname(L[i, ]), emmean = s$emmean[i], se = s$SE[i], df = s$df[i],
                ci = c(s$lower.CL[i], s$upper.CL[i]))
    for (v in intersect(c("wave", "time", "role"), names(s))) row[[v]] <- as.character(s[[v]][i])
    row
  })
}

write_kr_fixture <- function(formula, data, specs, at = NULL, slope = NULL) {
  ref <- capture_fit(formula, data, tight)
  fit <- ref$fit
  X <- model.matrix(fit)
  out <- data.frame(subject = as.integer(factor(data$subject)), y = data$y)
  out$slope <- if (is.null(slope)) 0 else data[[slope]]
  for (j in seq_len(ncol(X))) out[[paste0("x", j)]] <- X[, j]
  write.csv(out, "data.csv", row.names = FALSE)
  kr_msgs <- character(0)
  cf <- withCallingHandlers(summary(fit, ddf = "Kenward-Roger")$coefficients,
    warning = function(w) { kr_msgs <<- c(kr_msgs, conditionMessage(w)); invokeRestart("muffleWarning") })
  fixed <- lapply(seq_len(nrow(cf)), function(i) list(
    term = rownames(cf)[i], estimate = cf[i, "Estimate"], se = cf[i, "Std. Error"],
    df = cf[i, "df"], t = cf[i, "t value"], p = cf[i, "Pr(>|t|)"]))
  va <- vcovAdj(fit)
  res <- list(
    formula = deparse(formula), r_version = R.version.string,
    lme4 = as.character(packageVersion("lme4")), lmerTest = as.character(packageVersion("lmerTest")),
    pbkrtest = as.character(packageVersion("pbkrtest")), emmeans = as.character(packageVersion("emmeans")),
    n_obs = nobs(fit), n_subjects = as.integer(ngrps(fit)[["subject"]]),
    singular = isSingular(fit), terms = colnames(X), slope = !is.null(slope),
    fixed_kr = fixed, vcov = unname(c(t(as.matrix(vcov(fit))))), vcov_adj = unname(c(t(as.matrix(va)))),
    information_condition = attr(va, "condi"),
    emmeans_kr = emm_rows(fit, specs, at, "kenward-roger"),
    emmeans_satterthwaite = emm_rows(fit, specs, at, "satterthwaite"),
    messages = c(ref$messages, kr_msgs))
  writeLines(toJSON(res, auto_unbox = TRUE, digits = I(15), pretty = TRUE), "expected.json")
  invisible(res)
}
