# Scoring syntax for wide.sav, written by `waves export` for study stream-2026.
# Reproduces `waves score` (reverse keys, min_answered) and the alphas of
# `waves reliability` (psych::alpha raw_alpha on the participants who answered
# every item of the scale at that wave).
# Run it from the folder that holds wide.sav:  Rscript wide.R
library(haven)
if (!requireNamespace("psych", quietly = TRUE)) stop("this script needs the psych package: install.packages(\"psych\")")

d <- read_sav("wide.sav", user_na = FALSE)  # "Prefer not to answer" becomes NA
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
d[["a02_w1_r"]] <- 6 - d[["a02_w1"]]
d[["an_item_identifier_that_is_much_longer_than_the_spss_l_08f58f_r"]] <- 6 - d[["an_item_identifier_that_is_much_longer_than_the_spss_l_063813_w1"]]
d[["a02_w2_r"]] <- 6 - d[["a02_w2"]]
d[["an_item_identifier_that_is_much_longer_than_the_spss_l_eaf4b6_r"]] <- 6 - d[["an_item_identifier_that_is_much_longer_than_the_spss_l_e9584c_w2"]]
d[["a02_w3_r"]] <- 6 - d[["a02_w3"]]
d[["an_item_identifier_that_is_much_longer_than_the_spss_l_e59533_r"]] <- 6 - d[["an_item_identifier_that_is_much_longer_than_the_spss_l_6bfef7_w3"]]
d[["q3_w1_r"]] <- 4 - d[["q3_w1"]]
d[["q3_w3_r"]] <- 4 - d[["q3_w3"]]

# Scale scores: mean of the answered items when at least n of k are answered.
d[["core_w1"]] <- waves_score(d[c("a01_w1", "a02_w1_r", "a03_w1", "item_whose_identifier_exceeds_stata_limit_w1", "an_item_identifier_that_is_much_longer_than_the_spss_l_08f58f_r")], n = 3, k = 5)
d[["total_w1"]] <- waves_score(d[c("a01_w1", "a02_w1_r", "a03_w1")], n = 3, k = 3, sum = TRUE)
d[["core_w2"]] <- waves_score(d[c("a01_w2", "a02_w2_r", "a03_w2", "item_whose_identifier_exceeds_stata_limit_w2", "an_item_identifier_that_is_much_longer_than_the_spss_l_eaf4b6_r")], n = 3, k = 5)
d[["total_w2"]] <- waves_score(d[c("a01_w2", "a02_w2_r", "a03_w2")], n = 3, k = 3, sum = TRUE)
d[["core_w3"]] <- waves_score(d[c("a01_w3", "a02_w3_r", "a03_w3", "item_whose_identifier_exceeds_stata_limit_w3", "an_item_identifier_that_is_much_longer_than_the_spss_l_e59533_r")], n = 3, k = 5)
d[["total_w3"]] <- waves_score(d[c("a01_w3", "a02_w3_r", "a03_w3")], n = 3, k = 3, sum = TRUE)
d[["dks_w1"]] <- waves_score(d[c("q1_w1", "q2_w1", "q3_w1_r")], n = 1, k = 3)
d[["dks_w3"]] <- waves_score(d[c("q1_w3", "q2_w3", "q3_w3_r")], n = 1, k = 3)

# Cronbach's alpha per scale and wave.
alphas <- rbind(
  waves_alpha("ident.core", "w1", d[, c("a01_w1", "a02_w1_r", "a03_w1", "item_whose_identifier_exceeds_stata_limit_w1", "an_item_identifier_that_is_much_longer_than_the_spss_l_08f58f_r")]),
  waves_alpha("ident.total", "w1", d[, c("a01_w1", "a02_w1_r", "a03_w1")]),
  waves_alpha("ident.core", "w2", d[, c("a01_w2", "a02_w2_r", "a03_w2", "item_whose_identifier_exceeds_stata_limit_w2", "an_item_identifier_that_is_much_longer_than_the_spss_l_eaf4b6_r")]),
  waves_alpha("ident.total", "w2", d[, c("a01_w2", "a02_w2_r", "a03_w2")]),
  waves_alpha("ident.core", "w3", d[, c("a01_w3", "a02_w3_r", "a03_w3", "item_whose_identifier_exceeds_stata_limit_w3", "an_item_identifier_that_is_much_longer_than_the_spss_l_e59533_r")]),
  waves_alpha("ident.total", "w3", d[, c("a01_w3", "a02_w3_r", "a03_w3")]),
  waves_alpha("dk.dks", "w1", d[, c("q1_w1", "q2_w1", "q3_w1_r")]),
  waves_alpha("dk.dks", "w3", d[, c("q1_w3", "q2_w3", "q3_w3_r")])
)
print(alphas, digits = 4)

# Mean scale scores.
scores <- as.data.frame(d[c("participant", "core_w1", "total_w1", "core_w2", "total_w2", "core_w3", "total_w3", "dks_w1", "dks_w3")])
print(colMeans(scores[c("core_w1", "total_w1", "core_w2", "total_w2", "core_w3", "total_w3", "dks_w1", "dks_w3")], na.rm = TRUE), digits = 4)
