# (d) The lmm-d data (12 participants, 3 waves, one missing score, wave x role): the small
# sample Kenward-Roger is for; emmeans(~ wave | role).
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
set.seed(404)
ns <- 12
d <- expand.grid(wave = c("w1", "w2", "w3"), subject = 1:ns, stringsAsFactors = FALSE)
d$role <- ifelse(d$subject %% 2 == 0, "peer-mentor", "learner")
b <- rnorm(ns, 0, 0.5)
d$y <- 3.2 + c(w1 = 0, w2 = 0.2, w3 = 0.35)[d$wave] + 0.1 * (d$role == "peer-mentor") +
  b[d$subject] + rnorm(nrow(d), 0, 0.3)
d <- d[-c(9), ]
d$wave <- factor(d$wave); d$role <- factor(d$role)
write_kr_fixture(y ~ wave * role + (1 | subject), d, ~ wave | role)
