# (f) The lmm-f data: no participant variance (singular fit, random intercept at zero) under
# Kenward-Roger; emmeans(~ time, at time = 0:2).
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
source("../lmm-common/data.R")
d <- lmm_data_f()
res <- write_kr_fixture(y ~ time + (1 | subject), d, ~ time, at = list(time = 0:2))
stopifnot(res$singular)
