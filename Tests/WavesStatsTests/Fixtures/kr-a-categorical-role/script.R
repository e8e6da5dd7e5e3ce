# (a) The lmm-a data (random intercept, 3 waves, wave x role, balanced, 60 participants) under
# Kenward-Roger, with emmeans(~ wave | role) under both df methods.
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
set.seed(101)
ns <- 60
d <- expand.grid(wave = c("w1", "w2", "w3"), subject = 1:ns, stringsAsFactors = FALSE)
d$role <- ifelse(d$subject <= 30, "learner", "peer-mentor")
b <- rnorm(ns, 0, 0.45)
eff <- c(w1 = 0, w2 = 0.15, w3 = 0.30)
d$y <- 3.5 + eff[d$wave] + 0.2 * (d$role == "peer-mentor") +
  0.1 * (d$role == "peer-mentor") * (d$wave == "w3") + b[d$subject] + rnorm(nrow(d), 0, 0.35)
d$wave <- factor(d$wave); d$role <- factor(d$role)
write_kr_fixture(y ~ wave * role + (1 | subject), d, ~ wave | role)
