# Full-information ML with missing values (lavaan missing = "ml") on
# HolzingerSwineford1939's three-factor model: about 12% of x1, x2, x4, x5,
# x7, x9 missing completely at random. lavaan's defaults for FIML: mean
# structure, observed information (Hessian) for the standard errors, the
# H1 model by EM for the chi-square and SRMR.
source("../cfa-common/common.R")
set.seed(1939)
d <- HolzingerSwineford1939[, paste0("x", 1:9)]
for (v in c("x1", "x2", "x4", "x5", "x7", "x9")) d[runif(nrow(d)) < .12, v] <- NA
write.csv(d, "data.csv", row.names = FALSE, na = "NA")
d <- read.csv("data.csv")
model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"
fit <- cfa(model, data = d, missing = "ml")
out <- fit_json(fit)
h1 <- lavInspect(fit, "sampstat.h1")
out$h1 <- list(cov = unname(h1$cov[, ]), mean = unname(h1$mean))
write_expected(list(single = out))
