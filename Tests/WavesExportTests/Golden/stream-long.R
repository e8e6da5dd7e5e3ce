# Scoring syntax for long.sav, written by `waves export` for study stream-2026.
# Reproduces `waves score` (reverse keys, min_answered) and the alphas of
# `waves reliability` (psych::alpha raw_alpha on the participants who answered
# every item of the scale at that wave).
# Run it from the folder that holds long.sav:  Rscript long.R
library(haven)
if (!requireNamespace("psych", quietly = TRUE)) stop("this script needs the psych package: install.packages(\"psych\")")

d <- read_sav("long.sav", user_na = FALSE)  # "Prefer not to answer" becomes NA
d <- zap_labels(d)

waves_score <- function(items, n, k, sum = FALSE) {
  m <- as.matrix(items)
  answered <- rowSums(!is.na(m))
  s <- ifelse(answered >= n & answered > 0, rowMeans(m, na.rm = TRUE), NA_real_)
  if (sum) s * k else s
}

waves_alpha <- function(scale, wave, items) {
  x <- na.omit(as.data.frame(items))
  a <- if (nrow(x) >= 2 && ncol(x) >= 2) psych::alpha(x, check.keys = FALSE, warnings = FALSE)$total$raw_alpha else NA_real_
  data.frame(scale = scale, wave = wave, n = nrow(x), k = ncol(x), alpha = a)
}

# Reverse-keyed items: (min + max) - value.
d[["a02_r"]] <- 6 - d[["a02"]]
d[["an_item_identifier_that_is_much_longer_than_the_spss_li_492202_r"]] <- 6 - d[["an_item_identifier_that_is_much_longer_than_the_spss_limi_8b8937"]]
d[["q3_r"]] <- 4 - d[["q3"]]

# Scale scores: mean of the answered items when at least n of k are answered.
d[["core"]] <- waves_score(d[c("a01", "a02_r", "a03", "item_whose_identifier_exceeds_stata_limit", "an_item_identifier_that_is_much_longer_than_the_spss_li_492202_r")], n = 3, k = 5)
d[["total"]] <- waves_score(d[c("a01", "a02_r", "a03")], n = 3, k = 3, sum = TRUE)
d[["dks"]] <- waves_score(d[c("q1", "q2", "q3_r")], n = 1, k = 3)

# Cronbach's alpha per scale and wave.
alphas <- rbind(
  waves_alpha("ident.core", "w1", d[d$wave == "w1", c("a01", "a02_r", "a03", "item_whose_identifier_exceeds_stata_limit", "an_item_identifier_that_is_much_longer_than_the_spss_li_492202_r")]),
  waves_alpha("ident.core", "w2", d[d$wave == "w2", c("a01", "a02_r", "a03", "item_whose_identifier_exceeds_stata_limit", "an_item_identifier_that_is_much_longer_than_the_spss_li_492202_r")]),
  waves_alpha("ident.core", "w3", d[d$wave == "w3", c("a01", "a02_r", "a03", "item_whose_identifier_exceeds_stata_limit", "an_item_identifier_that_is_much_longer_than_the_spss_li_492202_r")]),
  waves_alpha("ident.total", "w1", d[d$wave == "w1", c("a01", "a02_r", "a03")]),
  waves_alpha("ident.total", "w2", d[d$wave == "w2", c("a01", "a02_r", "a03")]),
  waves_alpha("ident.total", "w3", d[d$wave == "w3", c("a01", "a02_r", "a03")]),
  waves_alpha("dk.dks", "w1", d[d$wave == "w1", c("q1", "q2", "q3_r")]),
  waves_alpha("dk.dks", "w3", d[d$wave == "w3", c("q1", "q2", "q3_r")])
)
print(alphas, digits = 4)

# Mean scale scores.
scores <- as.data.frame(d[c("participant", "wave", "core", "total", "dks")])
print(aggregate(scores[c("core", "total", "dks")], by = list(wave = scores$wave), FUN = function(x) mean(x, na.rm = TRUE)), digits = 4)
