# lavaan's classic example: HolzingerSwineford1939, three correlated factors
# (visual, textual, speed), ML with lavaan's defaults (no mean structure,
# marker loadings, expected information, likelihood "normal").
source("../cfa-common/common.R")
d <- HolzingerSwineford1939[, paste0("x", 1:9)]
write.csv(round(d, 10), "data.csv", row.names = FALSE)
d <- read.csv("data.csv")
model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"
fit <- cfa(model, data = d)
write_expected(list(single = fit_json(fit)))
