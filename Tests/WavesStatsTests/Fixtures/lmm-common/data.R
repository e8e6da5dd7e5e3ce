# Shared by the lmm-* and kr-* fixture scripts: the simulated data sets, one function each
# (the same seed and code as before, so both families of fixtures fit the same data).

lmm_data_a <- function() {
  set.seed(101)
  ns <- 60
  d <- expand.grid(wave = c("w1", "w2", "w3"), subject = 1:ns, stringsAsFactors = FALSE)
  d$role <- ifelse(d$subject <= 30, "learner", "peer-mentor")
  b <- rnorm(ns, 0, 0.45)
  eff <- c(w1 = 0, w2 = 0.15, w3 = 0.30)
  d$y <- 3.5 + eff[d$wave] + 0.2 * (d$role == "peer-mentor") +
    0.1 * (d$role == "peer-mentor") * (d$wave == "w3") + b[d$subject] + rnorm(nrow(d), 0, 0.35)
  d$wave <- factor(d$wave); d$role <- factor(d$role)
  d
}

lmm_data_b <- function() {
  set.seed(202)
  ns <- 80
  d <- expand.grid(time = 0:3, subject = 1:ns)
  d$role <- factor(ifelse(d$subject %% 3 == 0, "peer-mentor", "learner"))
  b <- rnorm(ns, 0, 0.5)
  d$y <- 3.4 + 0.12 * d$time + 0.25 * (d$role == "peer-mentor") - 0.05 * d$time * (d$role == "peer-mentor") +
    b[d$subject] + rnorm(nrow(d), 0, 0.4)
  last <- sapply(1:ns, function(s) { w <- 0; while (w < 3 && runif(1) > 0.2) w <- w + 1; w })
  keep <- d$time <= last[d$subject] & !(runif(nrow(d)) < 0.05 & d$time > 0)
  d <- d[keep, ]
  d
}

lmm_data_c <- function() {
  set.seed(303)
  ns <- 120
  times <- c(0, 0.5, 1, 2)
  d <- expand.grid(time = times, subject = 1:ns)
  d$role <- factor(ifelse(d$subject %% 2 == 0, "peer-mentor", "learner"))
  S <- matrix(c(0.25, 0.3 * 0.5 * 0.2, 0.3 * 0.5 * 0.2, 0.04), 2)
  U <- matrix(rnorm(2 * ns), ns) %*% chol(S)
  d$y <- 3.6 + 0.1 * d$time + 0.15 * (d$role == "peer-mentor") + 0.08 * d$time * (d$role == "peer-mentor") +
    U[d$subject, 1] + U[d$subject, 2] * d$time + rnorm(nrow(d), 0, 0.3)
  drop <- runif(nrow(d)) < 0.08 & d$time > 0
  d <- d[!drop, ]
  d
}

lmm_data_d <- function() {
  set.seed(404)
  ns <- 12
  d <- expand.grid(wave = c("w1", "w2", "w3"), subject = 1:ns, stringsAsFactors = FALSE)
  d$role <- ifelse(d$subject %% 2 == 0, "peer-mentor", "learner")
  b <- rnorm(ns, 0, 0.5)
  d$y <- 3.2 + c(w1 = 0, w2 = 0.2, w3 = 0.35)[d$wave] + 0.1 * (d$role == "peer-mentor") +
    b[d$subject] + rnorm(nrow(d), 0, 0.3)
  d <- d[-c(9), ]
  d$wave <- factor(d$wave); d$role <- factor(d$role)
  d
}

lmm_data_e <- function() {
  set.seed(505)
  ns <- 40
  d <- expand.grid(time = 0:3, subject = 1:ns)
  b <- rnorm(ns, 0, 0.5)
  d$y <- 3.5 + 0.1 * d$time + b[d$subject] + rnorm(nrow(d), 0, 0.4)
  d
}

lmm_data_f <- function() {
  set.seed(606)
  ns <- 30
  d <- expand.grid(time = 0:2, subject = 1:ns)
  d$y <- 3.5 + 0.1 * d$time + rnorm(nrow(d), 0, 0.4)
  d
}
