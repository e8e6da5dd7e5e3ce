# Shared by the lmm-* fixture scripts: fits one lmer model with lme4 + lmerTest and
# writes data.csv (subject, y, slope covariate, the fixed-effect design columns as
# model.matrix builds them) and expected.json (full precision) in the calling folder.
#
# The reference fit uses a tight optimiser tolerance so that the expected values are
# the REML optimum itself rather than lme4's default stopping point (xtol_abs 1e-8,
# ftol_abs 1e-8); the default fit is recorded under "r_default_fit" for comparison.
suppressPackageStartupMessages({ library(lme4); library(lmerTest); library(jsonlite) })

tight <- lmerControl(optimizer = "nloptwrap",
                     optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15,
                                    xtol_rel = 0, ftol_rel = 0, maxeval = 1e5))

capture_fit <- function(formula, data, control) {
  msgs <- character(0)
  fit <- withCallingHandlers(
    lmerTest::lmer(formula, data = data, REML = TRUE, control = control),
    warning = function(w) { msgs <<- c(msgs, conditionMessage(w)); invokeRestart("muffleWarning") },
    message = function(m) { msgs <<- c(msgs, trimws(conditionMessage(m))); invokeRestart("muffleMessage") })
  list(fit = fit, messages = msgs)
}

coef_table <- function(fit) {
  # summary() computes the Satterthwaite table; warnings from lmerTest's Hessian are kept.
  msgs <- character(0)
  s <- withCallingHandlers(summary(fit),
    warning = function(w) { msgs <<- c(msgs, conditionMessage(w)); invokeRestart("muffleWarning") })
  list(coef = s$coefficients, messages = msgs)
}

write_fixture <- function(formula, data, slope = NULL, contrasts = list()) {
  ref <- capture_fit(formula, data, tight)
  def <- capture_fit(formula, data, lmerControl())
  fit <- ref$fit
  ct <- coef_table(fit)
  X <- model.matrix(fit)
  out <- data.frame(subject = as.integer(factor(data$subject)), y = data$y)
  out$slope <- if (is.null(slope)) 0 else data[[slope]]
  for (j in seq_len(ncol(X))) out[[paste0("x", j)]] <- X[, j]
  write.csv(out, "data.csv", row.names = FALSE)

  vc <- as.data.frame(VarCorr(fit))
  grp <- vc[vc$grp == "subject", ]
  random <- list(participant_var = grp$vcov[is.na(grp$var2) & grp$var1 == "(Intercept)"],
                 residual_var = vc$vcov[vc$grp == "Residual"])
  if (!is.null(slope)) {
    random$slope_var <- grp$vcov[is.na(grp$var2) & grp$var1 == slope]
    random$intercept_slope_cor <- grp$sdcor[!is.na(grp$var2)]
  }
  cf <- ct$coef
  fixed <- lapply(seq_len(nrow(cf)), function(i) list(
    term = rownames(cf)[i], estimate = cf[i, "Estimate"], se = cf[i, "Std. Error"],
    df = cf[i, "df"], t = cf[i, "t value"], p = cf[i, "Pr(>|t|)"]))
  cons <- lapply(contrasts, function(L) {
    r <- contest(fit, L, joint = FALSE)
    list(L = L, estimate = r$Estimate, se = r$`Std. Error`, df = r$df,
         t = r$`t value`, p = r$`Pr(>|t|)`)
  })
  ll <- logLik(fit)
  res <- list(
    formula = deparse(formula),
    r_version = R.version.string,
    lme4 = as.character(packageVersion("lme4")),
    lmerTest = as.character(packageVersion("lmerTest")),
    n_obs = nobs(fit), n_subjects = as.integer(ngrps(fit)[["subject"]]),
    terms = colnames(X),
    fixed = fixed,
    random = random,
    theta = unname(getME(fit, "theta")),
    sigma = sigma(fit),
    loglik = as.numeric(ll), loglik_df = attr(ll, "df"), aic = AIC(fit),
    singular = isSingular(fit),
    messages = c(ref$messages, ct$messages),
    contrasts = cons,
    r_default_fit = list(fixef = unname(fixef(def$fit)), theta = unname(getME(def$fit, "theta")),
                         loglik = as.numeric(logLik(def$fit)),
                         df = unname(coef_table(def$fit)$coef[, "df"]),
                         messages = def$messages))
  writeLines(toJSON(res, auto_unbox = TRUE, digits = I(15), pretty = TRUE), "expected.json")
  invisible(res)
}
