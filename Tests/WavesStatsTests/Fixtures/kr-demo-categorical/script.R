# The demo study's identity scale (datasets/pmi-demo; 40 participants, 106 scores, missing
# waves): score ~ wave * role + (1 | participant) under Kenward-Roger, emmeans(~ wave | role).
# demo-identity.csv is `waves score --study datasets/pmi-demo --instrument identity --csv`
# (rows of scale "identity"), as in ../little-mcar. The first role in study.yaml is the
# reference: mentee, then peer-mentor.
# Run from this folder: Rscript script.R  (writes data.csv and expected.json)
source("../kr-common/kr.R")
s <- read.csv("../little-mcar/demo-identity.csv")
s <- s[s$scale == "identity" & !is.na(s$score), ]
d <- data.frame(subject = s$participant, y = s$score, wave = factor(s$wave, levels = c("w1", "w2", "w3")),
                role = factor(s$role, levels = c("mentee", "peer-mentor")))
write_kr_fixture(y ~ wave * role + (1 | subject), d, ~ wave | role)
