# The demo study's identity scale with linear time (the waves' time values 0, 6, 12) and a
# correlated random slope: score ~ time * role + (1 + time | participant) under
# Kenward-Roger, emmeans(~ time | role, at time = c(0, 6, 12)). Data as ../kr-demo-categorical.
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
s <- read.csv("../little-mcar/demo-identity.csv")
s <- s[s$scale == "identity" & !is.na(s$score), ]
d <- data.frame(subject = s$participant, y = s$score, time = c(w1 = 0, w2 = 6, w3 = 12)[s$wave],
                role = factor(s$role, levels = c("mentee", "peer-mentor")))
write_kr_fixture(y ~ time * role + (1 + time | subject), d, ~ time | role, at = list(time = c(0, 6, 12)), slope = "time")
