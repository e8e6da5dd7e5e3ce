# A small sample: one factor, five items, n = 60 (the `waves cfa` model).
source("../cfa-common/common.R")
set.seed(60)
n <- 60
eta <- rnorm(n)
lambda <- c(.8, .7, .6, .75, .5)
d <- as.data.frame(sapply(1:5, function(i) round(3 + lambda[i] * eta + rnorm(n, 0, .7), 4)))
names(d) <- paste0("s", 1:5)
write.csv(d, "data.csv", row.names = FALSE)
d <- read.csv("data.csv")
fit <- cfa("f =~ s1 + s2 + s3 + s4 + s5", data = d)
write_expected(list(single = fit_json(fit)))

# A just-identified model (three items, df = 0): lavaan reports p NA, CFI and
# TLI 1, RMSEA 0.
just <- cfa("f =~ s1 + s2 + s3", data = d)
out <- fromJSON("expected.json", simplifyVector = FALSE)
out$just <- fit_json(just)
write_expected(out)
