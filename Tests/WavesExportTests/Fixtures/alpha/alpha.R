# Expected Cronbach's alpha for AlphaFixtureTests: psych::alpha raw_alpha on the complete
# rows of items.csv (as `waves reliability` and the exported scoring syntax use it).
# Run from this folder:  Rscript alpha.R
library(psych)
x <- read.csv("items.csv")
cc <- na.omit(x)
a <- psych::alpha(cc, check.keys = FALSE, warnings = FALSE)
json <- sprintf('{"n": %d, "k": %d, "raw_alpha": %s}\n', nrow(cc), ncol(cc), sprintf("%.15g", a$total$raw_alpha))
cat(json, file = "expected.json")
cat(json)
