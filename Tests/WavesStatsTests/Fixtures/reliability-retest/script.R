# Test-retest and reliable change: scale scores (means of 10 items, so
# multiples of 0.1) of n = 160 participants at two waves, some missing at
# either wave. Expected: Pearson r, psych::ICC ICC2 and ICC3 with their 95%
# bounds on the complete pairs, and Jacobson-Truax reliable change with
# reliability 0.81.
source("../reliability-common/common.R")
set.seed(3103)
n <- 160
t <- rnorm(n, 3.4, 0.5)
x <- round(t + rnorm(n, 0, 0.25), 1)
y <- round(t + 0.15 + rnorm(n, 0, 0.3), 1)
x[sample(n, 8)] <- NA
y[sample(n, 12)] <- NA
write.csv(data.frame(x = x, y = y), "data.csv", row.names = FALSE, na = "NA")
d <- read.csv("data.csv")
ok <- complete.cases(d)
cc <- d[ok, ]
icc <- psych::ICC(cc, lmer = FALSE)$results
rel <- 0.81
sd1 <- sd(cc$x)
sdiff <- sqrt(2) * sd1 * sqrt(1 - rel)
rc <- (cc$y - cc$x) / sdiff
cat3 <- ifelse(rc > 1.96, "increase", ifelse(rc < -1.96, "decrease", "no_change"))
write_json(list(
  n = nrow(cc),
  pearson_r = cor(cc$x, cc$y),
  icc_a1 = icc["Single_random_raters", "ICC"],
  icc_a1_ci = I(c(icc["Single_random_raters", "lower bound"], icc["Single_random_raters", "upper bound"])),
  icc_c1 = icc["Single_fixed_raters", "ICC"],
  icc_c1_ci = I(c(icc["Single_fixed_raters", "lower bound"], icc["Single_fixed_raters", "upper bound"])),
  reliability = rel,
  sd_baseline = sd1,
  s_diff = sdiff,
  pair_index = I(which(ok) - 1),
  rc = I(rc),
  category = I(cat3),
  increase = sum(cat3 == "increase"),
  decrease = sum(cat3 == "decrease"),
  no_change = sum(cat3 == "no_change"),
  versions = sprintf("%s, psych %s", R.version.string, packageVersion("psych"))
), "expected.json")
