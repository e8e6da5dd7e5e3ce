# Expected values for RepeatedMeasures.analyze (WavesStats), computed by R.
#
# Sourced by the script.R of each Fixtures/anova-*/ folder, with the working
# directory set to that folder: reads data.csv (columns participant, group
# (optional; 0-based group index), w1..wk) and writes expected.json.
#
# References: afex::aov_ez (Type III, sum-to-zero contrasts; F, ges, pes),
# car 3.1 summary.Anova.mlm (GG and HF epsilons, corrected p, Mauchly),
# t.test(paired = TRUE) with p.adjust (holm, bonferroni), friedman.test.
# Numbers are written with sprintf("%.17g") so no JSON package is needed.

suppressPackageStartupMessages({ library(afex); library(car) })

num <- function(x) {
  if (length(x) != 1 || is.null(x) || is.na(x) || !is.finite(x)) "null" else sprintf("%.17g", x)
}
obj <- function(...) {
  kv <- list(...)
  paste0("{", paste0('"', names(kv), '":', unlist(kv), collapse = ","), "}")
}
arr <- function(items) paste0("[", paste(items, collapse = ","), "]")

wide <- read.csv("data.csv", stringsAsFactors = FALSE)
waves <- grep("^w[0-9]+$", names(wide), value = TRUE)
k <- length(waves)
n <- nrow(wide)
has_groups <- "group" %in% names(wide)
y <- as.matrix(wide[, waves])

# Descriptives: per wave, then per wave x group (groups in index order).
desc1 <- function(x, wave, group) {
  m <- length(x)
  mu <- if (m > 0) mean(x) else NA
  s <- if (m > 1) sd(x) else NA
  h <- if (m > 1) qt(0.975, m - 1) * s / sqrt(m) else NA
  obj(wave = wave - 1, group = if (is.null(group)) "null" else group, n = m,
      mean = num(mu), sd = num(s),
      ci = if (is.na(h)) "null" else arr(c(num(mu - h), num(mu + h))))
}
desc <- c()
for (j in seq_len(k)) desc <- c(desc, desc1(y[, j], j, NULL))
if (has_groups) {
  for (gi in sort(unique(wide$group))) for (j in seq_len(k))
    desc <- c(desc, desc1(y[wide$group == gi, j], j, gi))
}

# ANOVA through afex (Type III, contr.sum), sphericity through car.
long <- data.frame(participant = factor(rep(wide$participant, times = k)),
                   wave = factor(rep(waves, each = n), levels = waves),
                   score = as.vector(y))
if (has_groups) long$role <- factor(rep(wide$group, times = k))
fit <- suppressWarnings(suppressMessages(
  aov_ez("participant", "score", long, within = "wave",
         between = if (has_groups) "role" else NULL,
         anova_table = list(es = c("ges", "pes"), correction = "none"))))
tab <- anova(fit, es = c("ges", "pes"), correction = "none")
sm <- suppressWarnings(summary(fit$Anova, multivariate = FALSE))
adj <- sm$pval.adjustments
sph <- sm$sphericity.tests
effects <- c()
for (eff in rownames(tab)) {
  within <- grepl("wave", eff)
  fields <- list(effect = paste0('"', eff, '"'), df1 = num(tab[eff, "num Df"]),
                 df2 = num(tab[eff, "den Df"]), F = num(tab[eff, "F"]),
                 p = num(tab[eff, "Pr(>F)"]), ges = num(tab[eff, "ges"]),
                 pes = num(tab[eff, "pes"]))
  if (within) {
    if (k == 2) {
      # Contract (spec/cli.md): with two waves the epsilons are 1 and the
      # corrected p-values equal the uncorrected one (car reports NA).
      fields <- c(fields, list(gg_epsilon = num(1), hf_epsilon = num(1),
                               p_gg = num(tab[eff, "Pr(>F)"]), p_hf = num(tab[eff, "Pr(>F)"])))
    } else if (eff %in% rownames(adj) && !is.na(adj[eff, "GG eps"])) {
      fields <- c(fields, list(gg_epsilon = num(adj[eff, "GG eps"]),
                               hf_epsilon = num(adj[eff, "HF eps"]),
                               p_gg = num(adj[eff, "Pr(>F[GG])"]),
                               p_hf = num(adj[eff, "Pr(>F[HF])"])))
    } else {
      fields <- c(fields, list(gg_epsilon = "null", hf_epsilon = "null",
                               p_gg = "null", p_hf = "null"))
    }
  }
  effects <- c(effects, do.call(obj, fields))
}
sphericity <- "null"
if (k > 2 && "wave" %in% rownames(sph)) {
  W <- sph["wave", "Test statistic"]
  pp <- k - 1
  dfe <- n - (if (has_groups) length(unique(wide$group)) else 1)
  rho <- 1 - (2 * pp^2 + pp + 2) / (6 * pp * dfe)
  sphericity <- obj(W = num(W), chisq = num(-dfe * rho * log(W)),
                    df = num(pp * (pp + 1) / 2 - 1), p = num(sph["wave", "p-value"]))
}

# Post hoc: paired t-tests of every pair a < b, b - a.
pairs <- combn(k, 2)
ph <- lapply(seq_len(ncol(pairs)), function(i) {
  a <- pairs[1, i]; b <- pairs[2, i]
  d <- y[, b] - y[, a]
  tt <- tryCatch(t.test(y[, b], y[, a], paired = TRUE), error = function(e) NULL)
  list(a = a - 1, b = b - 1, mean_diff = mean(d),
       t = if (is.null(tt)) NA else unname(tt$statistic),
       df = if (is.null(tt)) NA else unname(tt$parameter),
       p = if (is.null(tt)) NA else tt$p.value,
       dz = if (sd(d) > 0) mean(d) / sd(d) else NA)
})
ps <- sapply(ph, function(r) r$p)
holm <- p.adjust(ps, "holm"); bonf <- p.adjust(ps, "bonferroni")
posthoc <- sapply(seq_along(ph), function(i) {
  r <- ph[[i]]
  obj(a = r$a, b = r$b, mean_diff = num(r$mean_diff), t = num(r$t), df = num(r$df),
      p = num(r$p), p_holm = num(holm[i]), p_bonferroni = num(bonf[i]), dz = num(r$dz))
})

fr <- friedman.test(y)
friedman <- obj(chisq = num(unname(fr$statistic)), df = num(unname(fr$parameter)),
                p = num(fr$p.value), kendall_w = num(unname(fr$statistic) / (n * (k - 1))))

json <- obj(n = n, waves = k, descriptives = arr(desc), anova = arr(effects),
            sphericity = sphericity, posthoc = arr(posthoc), friedman = friedman)
writeLines(json, "expected.json")
cat("wrote expected.json\n")
