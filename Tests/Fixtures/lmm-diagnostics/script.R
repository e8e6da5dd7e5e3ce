# Expected values for WavesAnalysisTests/LMMDiagnosticsTests: conditional modes of the random
# effects (ranef), fitted values and residuals (fitted, residuals) of two models of the demo
# study's identity scale, as lme4 1.1.31 gives them.
# Input: ../../WavesEndToEndTests/Fixtures/demo-r/identity-scores.csv (`waves score --study
# datasets/pmi-demo --instrument identity --csv`, kept current by DemoAgainstRTests).
# Run from this folder: Rscript script.R  (writes expected.json)
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
sc <- read.csv("../../WavesEndToEndTests/Fixtures/demo-r/identity-scores.csv", stringsAsFactors = FALSE)
sc <- sc[sc$scale == "identity" & !is.na(sc$score), ]
sc$wave <- factor(sc$wave, levels = c("w1", "w2", "w3"))
sc$role <- factor(sc$role, levels = c("mentee", "peer-mentor"))
sc$time <- c(w1 = 0, w2 = 6, w3 = 12)[as.character(sc$wave)]
out <- function(fit) {
  re <- ranef(fit)$participant
  list(modes = lapply(rownames(re), function(p) list(participant = p, intercept = re[p, 1],
                                                      slope = if (ncol(re) > 1) re[p, 2] else NULL)),
       observations = lapply(seq_len(nrow(sc)), function(i) list(participant = sc$participant[i], wave = as.character(sc$wave[i]),
                                                                  fitted = unname(fitted(fit)[i]), residual = unname(residuals(fit)[i]))))
}
a <- lmer(score ~ wave * role + (1 | participant), data = sc, REML = TRUE)
b <- lmer(score ~ time * role + (1 + time | participant), data = sc, REML = TRUE)
writeLines(toJSON(list(r_version = R.version.string, lme4 = as.character(packageVersion("lme4")),
                       categorical_role = out(a), linear_role_slopes = out(b)),
                  auto_unbox = TRUE, digits = I(15), pretty = TRUE), "expected.json")
