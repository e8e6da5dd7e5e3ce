# Simulated longitudinal scale: one factor, 4 items, 3 waves, n = 450.
# Latent means 0, .3, .5; same-item residuals correlated across waves through
# a persistent item-specific part; item i3's intercept is 0.45 higher at w3
# (the one non-invariant intercept). Sourced by cfa-longitudinal and
# cfa-longitudinal-fiml.
simulate_longitudinal <- function(n = 450, seed = 20240516) {
  set.seed(seed)
  items <- paste0("i", 1:4); waves <- paste0("w", 1:3)
  lambda <- c(1, .85, .75, .9); nu <- c(3, 2.8, 3.2, 2.9)
  Phi <- matrix(c(1, .6, .5, .6, 1.1, .65, .5, .65, 1.2), 3)
  eta <- MASS::mvrnorm(n, c(0, .3, .5), Phi)
  specific <- sapply(1:4, function(i) rnorm(n, 0, .35))
  d <- list()
  for (t in 1:3) for (i in 1:4) {
    shift <- if (i == 3 && t == 3) .45 else 0
    d[[paste0(items[i], "_", waves[t])]] <- nu[i] + shift + lambda[i] * eta[, t] +
      specific[, i] + rnorm(n, 0, .55)
  }
  round(as.data.frame(d), 4)
}
