# Expected values for DemoCFATests: `waves cfa` and `waves invariance` on the
# committed demo study (datasets/pmi-demo, scale identity), computed with
# lavaan 0.6-14 from the answers the binary exported
# (../demo-r/identity-long.csv, which DemoAgainstRTests keeps current, and
# ecosystem-long.csv here: `waves export --study datasets/pmi-demo --format
# csv-long --instrument ecosystem --out ecosystem-long.csv`, kept current by
# DemoCFATests.testFixtureInputIsCurrent).
# Run from this folder: Rscript script.R
source("../../../WavesStatsTests/Fixtures/cfa-common/common.R")

items <- sprintf("pi%02d", 1:8)      # scale 'identity' in instrument order
reversed <- c("pi03", "pi06")        # reverse: true in instruments/identity.yaml
roles <- c("mentee", "peer-mentor")  # study.yaml roles, first is the reference
waves <- c("w1", "w2", "w3")

long <- read.csv("../demo-r/identity-long.csv", colClasses = "character", na.strings = c("", "declined"))
for (it in items) long[[it]] <- as.numeric(long[[it]])
for (it in reversed) long[[it]] <- (1 + 5) - long[[it]]

# Score-test rows named as Waves names them: "<kind> <item> <first>=<other>".
named_scores <- function(fit, occasion) {
  s <- score_json(fit); pt <- parTable(fit)
  kind <- c("=~" = "loading", "~1" = "intercept", "~~" = "residual")
  s$constraint <- mapply(function(l, r) {
    a <- pt[pt$plabel == l, ]; b <- pt[pt$plabel == r, ]
    item <- if (a$op == "=~") a$rhs else a$lhs
    paste0(kind[[a$op]], " ", sub("_w[0-9]+$", "", item), " ", occasion(a), "=", occasion(b))
  }, s$lhs, s$rhs)
  s
}
latent_means <- function(fit, key, occasion) {
  pe <- parameterEstimates(fit)
  m <- pe[pe$op == "~1" & pe$lhs %in% lavNames(fit, "lv") & abs(pe$se) > 0, ]
  lapply(seq_len(nrow(m)), function(i) setNames(list(occasion(m[i, ]), m$est[i], m$se[i]), c(key, "estimate", "se")))
}

one <- paste("identity =~", paste(items, collapse = " + "))
w1 <- long[long$wave == "w1", ]
out <- list(cfa_w1 = fit_json(cfa(one, data = w1)),
            cfa_w1_fiml = fit_json(cfa(one, data = w1, missing = "ml")))

# Across waves, full-information ML (listwise leaves 23 participants for 24 variables).
wide <- reshape(long[, c("participant", "wave", items)], idvar = "participant", timevar = "wave",
                direction = "wide", sep = "_")
fits <- lapply(0:3, function(l) cfa(long_syntax(items, waves, l), data = wide, missing = "ml"))
names(fits) <- levels_named
out$waves_fiml <- ladder_json(fits)
out$waves_fiml$partial <- named_scores(fits[[3]], function(p) sub(".*_", "", if (p$op == "=~") p$rhs else p$lhs))
out$waves_fiml$latent_means <- latent_means(fits[[3]], "wave", function(p) waves[as.integer(sub("f", "", p$lhs))])

# Across role at w1, listwise, mentee the reference group.
eq <- list("", "loadings", c("loadings", "intercepts"), c("loadings", "intercepts", "residuals"))
fits <- lapply(eq, function(e) cfa(one, data = w1, group = "role", group.label = roles, group.equal = e))
names(fits) <- levels_named
out$role_w1 <- ladder_json(fits)
out$role_w1$partial <- named_scores(fits[[3]], function(p) roles[p$group])
out$role_w1$latent_means <- latent_means(fits[[3]], "group", function(p) roles[p$group])

# `waves cfa --instrument ecosystem --wave w1`: its three scales as correlated factors.
eco <- read.csv("ecosystem-long.csv", colClasses = "character", na.strings = c("", "declined"))
eco <- eco[eco$wave == "w1", ]
scales <- list(micro = sprintf("mi%02d", 1:4), meso = sprintf("me%02d", 1:4), macro = sprintf("ma%02d", 1:4))
for (it in unlist(scales)) eco[[it]] <- as.numeric(eco[[it]])
for (it in c("mi03", "me03", "ma03")) eco[[it]] <- (1 + 5) - eco[[it]]
three <- paste(names(scales), "=~", sapply(scales, paste, collapse = " + "), collapse = "\n")
out$cfa_ecosystem_w1 <- fit_json(cfa(three, data = eco))
write_expected(out)
