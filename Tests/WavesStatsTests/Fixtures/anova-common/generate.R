# Synthetic scale scores for the anova-* fixtures (sourced by their script.R).
#
# Scores look like means of ten 1-5 items: rounded to 0.1 and kept in [1, 5],
# so wave ties occur (Friedman's tie correction is exercised). `sizes` gives
# the participants per group (one size: no group column). `wave_sd` lets the
# residual spread differ by wave (non-sphericity), `group_shift` adds a
# group x wave pattern.
generate <- function(seed, sizes, k, wave_means, wave_sd = rep(0.35, k),
                     person_sd = 0.5, group_shift = NULL) {
  set.seed(seed)
  n <- sum(sizes)
  group <- rep(seq_along(sizes) - 1, times = sizes)
  person <- rnorm(n, 0, person_sd)
  y <- sapply(seq_len(k), function(j) {
    shift <- if (is.null(group_shift)) 0 else group_shift[group + 1] * (j - 1)
    wave_means[j] + person + shift + rnorm(n, 0, wave_sd[j])
  })
  y[] <- pmin(5, pmax(1, round(y, 1)))
  out <- data.frame(participant = sprintf("P%03d", seq_len(n)))
  if (length(sizes) > 1) out$group <- group
  for (j in seq_len(k)) out[[paste0("w", j)]] <- y[, j]
  out
}

# Writes data.csv once; an existing data.csv is kept so the committed input
# stays the input.
write_data <- function(df) {
  if (!file.exists("data.csv")) write.csv(df, "data.csv", row.names = FALSE, quote = FALSE)
}
