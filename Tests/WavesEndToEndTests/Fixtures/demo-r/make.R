# Expected values for DemoAgainstRTests: the analysis commands of Waves on the
# committed demo study (datasets/pmi-demo), computed independently in R.
#
# Inputs (written by the built binary, see DemoAgainstRTests.swift):
#   identity-long.csv    waves export --study datasets/pmi-demo --format csv-long --instrument identity
#                        (raw answers; 'declined' and empty cells are missing)
#   identity-scores.csv  waves score --study datasets/pmi-demo --instrument identity --csv
# Output: expected.json (full precision).
#
# Run from this folder: Rscript make.R
# R 4.x with psych 2.2.9, afex 1.2.1, car 3.1.1, lmerTest 3.1.3, lme4 1.1.31, jsonlite.

suppressPackageStartupMessages({
  library(psych)
  library(afex)
  library(car)
  library(lmerTest)
  library(jsonlite)
})

items <- sprintf("pi%02d", 1:8)      # scale 'identity' in instrument order
reversed <- c("pi03", "pi06")        # reverse: true in instruments/identity.yaml
roles <- c("mentee", "peer-mentor")  # study.yaml roles, first is the reference
wave_time <- c(w1 = 0, w2 = 6, w3 = 12)

# ---------------------------------------------------------------- inputs
long <- read.csv("identity-long.csv", colClasses = "character", na.strings = c("", "declined"))
for (it in items) long[[it]] <- as.numeric(long[[it]])
for (it in reversed) long[[it]] <- (1 + 5) - long[[it]]

sc <- read.csv("identity-scores.csv", colClasses = c(score = "numeric"), stringsAsFactors = FALSE)
sc <- sc[sc$scale == "identity" & !is.na(sc$score), ]

# The scale scores, recomputed here from the raw answers: mean of the answered
# (reversed) items when at least 0.75 of the 8 are answered. The analyses below
# use the CSV from `waves score`; stop if the two disagree.
answered <- rowSums(!is.na(long[, items]))
own <- data.frame(participant = long$participant, wave = long$wave, answered = answered,
                  score = ifelse(answered / length(items) >= 0.75, rowMeans(long[, items], na.rm = TRUE), NA))
chk <- merge(own[!is.na(own$score), ], sc, by = c("participant", "wave"), all = TRUE)
stopifnot(nrow(chk) == nrow(sc), !anyNA(chk$score.x), !anyNA(chk$score.y),
          max(abs(chk$score.x - chk$score.y)) < 1e-12, all(chk$answered.x == chk$answered.y))
own <- own[order(own$participant, own$wave), ]
scores <- lapply(seq_len(nrow(own)), function(i) list(
  participant = own$participant[i], wave = own$wave[i], answered = own$answered[i],
  score = if (is.na(own$score[i])) NULL else own$score[i]))

# ---------------------------------------------------------------- 1. reliability, w1
x <- long[long$wave == "w1", items]
x <- x[complete.cases(x), ]
n <- nrow(x); k <- ncol(x)
a <- psych::alpha(x, check.keys = FALSE, warnings = FALSE)
alpha <- a$total$raw_alpha
feldt <- function(q) 1 - (1 - alpha) * qf(q, n - 1, (n - 1) * (k - 1))
fa <- factanal(covmat = cor(x), factors = 1, n.obs = n)
l <- as.numeric(fa$loadings[, 1])
omega <- sum(l)^2 / (sum(l)^2 + sum(1 - l^2))
odd <- rowSums(x[, items[c(1, 3, 5, 7)]]); even <- rowSums(x[, items[c(2, 4, 6, 8)]])
r_oe <- cor(odd, even)
reliability <- list(
  n = n, k = k,
  alpha = alpha,
  alpha_ci = c(feldt(0.975), feldt(0.025)),
  std_alpha = a$total$std.alpha,
  average_r = a$total$average_r,
  omega_total = omega,
  split_half = 2 * r_oe / (1 + r_oe),
  items = lapply(seq_len(k), function(j) list(
    id = items[j], n = n,
    mean = mean(x[[j]]), sd = sd(x[[j]]),
    r_drop = a$item.stats[j, "r.drop"],
    alpha_if_deleted = a$alpha.drop[j, "raw_alpha"])))
# psych's item mean/sd agree with the plain ones on listwise data.
stopifnot(isTRUE(all.equal(a$item.stats$mean, unname(sapply(x, mean)))), isTRUE(all.equal(a$item.stats$sd, unname(sapply(x, sd)))))

# ---------------------------------------------------------------- helpers
wide_scores <- function(waves) {
  w <- reshape(sc[sc$wave %in% waves, c("participant", "role", "wave", "score")],
               idvar = c("participant", "role"), timevar = "wave", direction = "wide")
  names(w) <- sub("^score\\.", "", names(w))
  w <- w[complete.cases(w[, waves]), c("participant", "role", waves)]
  w[order(w$participant), ]
}

# ---------------------------------------------------------------- 2. retest w1, w2
rt <- wide_scores(c("w1", "w2"))
# lmer = FALSE: the mean squares of the two-way ANOVA (McGraw & Wong), not lmer's
# variance components, which carry the optimiser's tolerance (~1e-7).
icc <- psych::ICC(as.matrix(rt[, c("w1", "w2")]), lmer = FALSE)$results
retest <- list(
  n = nrow(rt),
  pearson_r = cor(rt$w1, rt$w2),
  icc_a1 = icc["Single_random_raters", "ICC"],
  icc_a1_ci = c(icc["Single_random_raters", "lower bound"], icc["Single_random_raters", "upper bound"]),
  icc_c1 = icc["Single_fixed_raters", "ICC"],
  icc_c1_ci = c(icc["Single_fixed_raters", "lower bound"], icc["Single_fixed_raters", "upper bound"]))

# ---------------------------------------------------------------- 3. rci w1 -> w3
rw <- wide_scores(c("w1", "w3"))
sd_base <- sd(rw$w1)
s_diff <- sqrt(2) * sd_base * sqrt(1 - alpha)
rc <- (rw$w3 - rw$w1) / s_diff
category <- ifelse(rc > 1.96, "increase", ifelse(rc < -1.96, "decrease", "no_change"))
rci <- list(
  n = nrow(rw), sd_baseline = sd_base, reliability = alpha, s_diff = s_diff,
  participants = lapply(seq_len(nrow(rw)), function(i) list(
    participant = rw$participant[i], x1 = rw$w1[i], x2 = rw$w3[i], rc = rc[i], category = category[i])),
  summary = list(increase = sum(category == "increase"), decrease = sum(category == "decrease"),
                 no_change = sum(category == "no_change")))

# ---------------------------------------------------------------- 4. change w1..w3, between role
waves <- c("w1", "w2", "w3")
cw <- wide_scores(waves)
cl <- sc[sc$participant %in% cw$participant, c("participant", "role", "wave", "score")]
cl$role <- factor(cl$role, levels = roles); cl$wave <- factor(cl$wave, levels = waves)
fit_aov <- suppressMessages(afex::aov_ez(id = "participant", dv = "score", data = cl, within = "wave",
                        between = "role", type = 3, anova_table = list(correction = "none", es = c("ges", "pes"))))
at <- anova(fit_aov, correction = "none", es = c("ges", "pes"))
su <- summary(fit_aov$Anova, multivariate = FALSE)
adj <- su$pval.adjustments
sph <- su$sphericity.tests
anova_rows <- lapply(c("wave", "role", "role:wave"), function(e) {
  row <- list(effect = e, df1 = at[e, "num Df"], df2 = at[e, "den Df"], F = at[e, "F"],
              p = at[e, "Pr(>F)"], ges = at[e, "ges"], pes = at[e, "pes"])
  if (e %in% rownames(adj)) {
    row$gg_epsilon <- adj[e, "GG eps"]; row$p_gg <- adj[e, "Pr(>F[GG])"]
    row$hf_epsilon <- adj[e, "HF eps"]; row$p_hf <- adj[e, "Pr(>F[HF])"]
  }
  row
})
# Mauchly: car gives W and p; chisq and df by the formula in spec/cli.md (car's own).
N <- nrow(cw); g <- length(roles); pp <- length(waves) - 1; nn <- N - g
rho <- 1 - (2 * pp^2 + pp + 2) / (6 * pp * nn)
W <- sph["wave", "Test statistic"]
sphericity <- list(W = W, chisq = -nn * rho * log(W), df = pp * (pp + 1) / 2 - 1, p = sph["wave", "p-value"])

desc <- list()
for (grp in c(NA, roles)) for (w in waves) {
  v <- if (is.na(grp)) cw[[w]] else cw[cw$role == grp, w]
  m <- mean(v); s <- sd(v); h <- qt(0.975, length(v) - 1) * s / sqrt(length(v))
  desc[[length(desc) + 1]] <- list(wave = w, group = if (is.na(grp)) NULL else grp,
                                   n = length(v), mean = m, sd = s, ci = c(m - h, m + h))
}
pairs <- combn(waves, 2)
ph <- lapply(seq_len(ncol(pairs)), function(j) {
  a_ <- pairs[1, j]; b_ <- pairs[2, j]
  tt <- t.test(cw[[b_]], cw[[a_]], paired = TRUE)
  d <- cw[[b_]] - cw[[a_]]
  list(a = a_, b = b_, n = length(d), mean_diff = mean(d), t = unname(tt$statistic),
       df = unname(tt$parameter), p = tt$p.value, dz = mean(d) / sd(d))
})
praw <- sapply(ph, `[[`, "p")
for (j in seq_along(ph)) {
  ph[[j]]$p_holm <- p.adjust(praw, "holm")[j]
  ph[[j]]$p_bonferroni <- p.adjust(praw, "bonferroni")[j]
}
fr <- friedman.test(as.matrix(cw[, waves]))
change <- list(
  n = N, anova = anova_rows, sphericity = sphericity, descriptives = desc, posthoc = ph,
  friedman = list(chisq = unname(fr$statistic), df = unname(fr$parameter), p = fr$p.value,
                  kendall_w = unname(fr$statistic) / (N * (length(waves) - 1))))

# ---------------------------------------------------------------- 5. lmm on every observed score
ld <- sc[, c("participant", "role", "wave", "score")]
ld$role <- factor(ld$role, levels = roles)
ld$wave <- factor(ld$wave, levels = waves)
ld$time <- unname(wave_time[as.character(ld$wave)])
ctrl <- lmerControl(optimizer = "bobyqa",
                    optCtrl = list(rhoend = 1e-10, maxfun = 1e6),
                    check.conv.singular = "ignore")
term_name <- function(t) {
  t <- gsub("^wave(w[0-9]+)", "wave[\\1]", t)
  t <- gsub(":wave(w[0-9]+)", ":wave[\\1]", t)
  gsub("role(peer-mentor)", "role[\\1]", t, fixed = FALSE)
}
lmm_result <- function(fit) {
  co <- summary(fit)$coefficients
  vc <- as.data.frame(VarCorr(fit))
  random <- list(participant_var = vc$vcov[vc$grp == "participant" & vc$var1 == "(Intercept)" & is.na(vc$var2)],
                 residual_var = vc$vcov[vc$grp == "Residual"])
  if (any(vc$var1 == "time", na.rm = TRUE)) {
    random$slope_var <- vc$vcov[vc$grp == "participant" & vc$var1 == "time" & is.na(vc$var2)]
    random$intercept_slope_cor <- vc$sdcor[vc$grp == "participant" & !is.na(vc$var2)]
  }
  ll <- logLik(fit)
  list(n_obs = nobs(fit), n_participants = unname(ngrps(fit)["participant"]),
       fixed = lapply(seq_len(nrow(co)), function(i) list(
         term = term_name(rownames(co)[i]), estimate = co[i, "Estimate"], se = co[i, "Std. Error"],
         df = co[i, "df"], t = co[i, "t value"], p = co[i, "Pr(>|t|)"])),
       random = random, loglik = as.numeric(ll), aic = AIC(fit), singular = isSingular(fit),
       reml = isREML(fit))
}
fit_lin <- lmerTest::lmer(score ~ time * role + (1 + time | participant), data = ld, REML = TRUE, control = ctrl)
fit_cat <- lmerTest::lmer(score ~ wave * role + (1 | participant), data = ld, REML = TRUE, control = ctrl)
lmm_linear <- lmm_result(fit_lin)
lmm_categorical <- lmm_result(fit_cat)

# ---------------------------------------------------------------- write
out <- list(
  source = "make.R: psych::alpha, factanal, psych::ICC, afex::aov_ez + car::Anova summary, t.test, friedman.test, lmerTest::lmer (REML)",
  versions = list(R = paste(R.version$major, R.version$minor, sep = "."),
                  psych = as.character(packageVersion("psych")), afex = as.character(packageVersion("afex")),
                  car = as.character(packageVersion("car")), lmerTest = as.character(packageVersion("lmerTest")),
                  lme4 = as.character(packageVersion("lme4"))),
  scores = scores, reliability = reliability, retest = retest, rci = rci, change = change,
  lmm_linear = lmm_linear, lmm_categorical = lmm_categorical)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"), "expected.json")
cat("wrote expected.json\n")
