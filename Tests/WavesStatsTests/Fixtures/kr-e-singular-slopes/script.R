# (e) The lmm-e data: a random slope with no slope variance (singular fit) under
# Kenward-Roger; emmeans(~ time, at time = 0:3).
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
source("../lmm-common/data.R")
d <- lmm_data_e()
res <- write_kr_fixture(y ~ time + (1 + time | subject), d, ~ time, at = list(time = 0:3), slope = "time")
stopifnot(res$singular)
