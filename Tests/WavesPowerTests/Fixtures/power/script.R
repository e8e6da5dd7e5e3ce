# Expected values for Tests/WavesPowerTests (waves power). Run: Rscript script.R > expected.json
# R 4.2, pwr 1.3. CI reads the committed expected.json; the tests compare the simulated power
# with these exact values within three Monte Carlo standard errors.
suppressMessages(library(pwr))
library(jsonlite)
alpha <- 0.05

# Paired t-test, two-sided: exact power of pwr::pwr.t.test(type = "paired") (noncentral t).
paired <- list(c(10, 0.5), c(20, 0.5), c(30, 0.3), c(15, 0.8), c(40, 0.2), c(8, 1.0))
paired <- lapply(paired, function(x) list(n = x[1], d = x[2],
  power = pwr.t.test(n = x[1], d = x[2], sig.level = alpha, type = "paired")$power))

# One-way RM-ANOVA under compound symmetry (G*Power "as in Cohen (1988)", Superpower's
# power_oneway_within): lambda = f^2 n k / (1 - rho), df1 = k - 1, df2 = (n - 1)(k - 1),
# power = P(F'(df1, df2, lambda) > F_{1 - alpha}(df1, df2)).
rm_power <- function(n, k, f, rho) {
  lambda <- f^2 * n * k / (1 - rho)
  df1 <- k - 1; df2 <- (n - 1) * (k - 1)
  1 - pf(qf(1 - alpha, df1, df2), df1, df2, ncp = lambda)
}
change <- list(c(20, 3, 0.25, 0.5), c(12, 4, 0.3, 0.6), c(30, 3, 0.15, 0.7),
               c(10, 5, 0.35, 0.4), c(40, 2, 0.2, 0.5), c(16, 3, 0.4, 0.3))
change <- lapply(change, function(x) list(n = x[1], k = x[2], f = x[3], rho = x[4],
  power = rm_power(x[1], x[2], x[3], x[4])))

# Clopper-Pearson 95% intervals: binom.test(x, n)$conf.int.
cp <- list(c(0, 20), c(3, 20), c(20, 20), c(812, 1000), c(1, 2000), c(1000, 2000))
cp <- lapply(cp, function(x) list(x = x[1], n = x[2], ci = as.numeric(binom.test(x[1], x[2])$conf.int)))

# Minimum detectable d_z at power 0.8 (pwr solves for d), with the slope of power in d there
# (central difference), which turns a Monte Carlo SE of power into one of the effect.
mde <- lapply(c(20, 30), function(n) {
  d <- pwr.t.test(n = n, power = 0.8, sig.level = alpha, type = "paired")$d
  h <- 1e-4
  slope <- (pwr.t.test(n = n, d = d + h, type = "paired")$power - pwr.t.test(n = n, d = d - h, type = "paired")$power) / (2 * h)
  list(n = n, target = 0.8, d = d, slope = slope)
})

# Exact paired power at d_z = 0.5 for n = 20..50 (the sample-size search).
by_n <- lapply(20:50, function(n) list(n = n, power = pwr.t.test(n = n, d = 0.5, type = "paired")$power))

cat(toJSON(list(alpha = alpha, paired = paired, change = change, clopper_pearson = cp, mde = mde, by_n = by_n),
           auto_unbox = TRUE, digits = 15, pretty = TRUE), "\n")
