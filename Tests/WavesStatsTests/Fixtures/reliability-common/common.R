# Shared helpers for the reliability fixtures. Each fixture folder has a
# script.R that sources this file (run it as `Rscript script.R` from that folder).
suppressPackageStartupMessages(library(psych))

# JSON writing without jsonlite: full precision (%.17g), NA/NaN -> null.
json_num <- function(v) ifelse(is.na(v) | !is.finite(v), "null", sprintf("%.17g", v))
json_value <- function(v) {
  if (is.list(v)) {
    if (!is.null(names(v)) && all(names(v) != "")) {
      parts <- mapply(function(k, x) sprintf("\"%s\": %s", k, json_value(x)), names(v), v)
      return(paste0("{", paste(parts, collapse = ", "), "}"))
    }
    return(paste0("[", paste(vapply(v, json_value, ""), collapse = ", "), "]"))
  }
  if (is.character(v)) {
    s <- sprintf("\"%s\"", v)
  } else if (is.logical(v)) {
    s <- ifelse(is.na(v), "null", ifelse(v, "true", "false"))
  } else {
    s <- json_num(as.numeric(v))
  }
  if (inherits(v, "AsIs") || length(v) != 1) paste0("[", paste(s, collapse = ", "), "]") else s
}
write_json <- function(x, path) writeLines(json_value(x), path)

# Expected reliability values for complete, already reverse-scored item data.
reliability_expected <- function(x) {
  x <- as.data.frame(x)
  n <- nrow(x); k <- ncol(x)
  a <- suppressWarnings(psych::alpha(x, warnings = FALSE))
  raw <- a$total$raw_alpha
  fq <- function(q) qf(q, n - 1, (n - 1) * (k - 1))
  out <- list(
    n = n, k = k,
    alpha = raw,
    alpha_ci = I(c(1 - (1 - raw) * fq(0.975), 1 - (1 - raw) * fq(0.025))),
    std_alpha = a$total$std.alpha,
    average_r = a$total$average_r)
  fa <- tryCatch(factanal(covmat = cor(x), factors = 1, n.obs = n), error = function(e) NULL)
  if (is.null(fa)) {
    out$omega_total <- NA; out$uniquenesses <- I(rep(NA, k)); out$heywood <- FALSE
  } else {
    l <- as.vector(fa$loadings)
    out$uniquenesses <- I(as.vector(fa$uniquenesses))
    out$heywood <- any(fa$uniquenesses <= 0.005 + 1e-8)
    out$omega_total <- if (out$heywood) NA else sum(l)^2 / (sum(l)^2 + sum(1 - l^2))
  }
  odd <- rowSums(x[, seq(1, k, by = 2), drop = FALSE])
  even <- rowSums(x[, seq(2, k, by = 2), drop = FALSE])
  r <- cor(odd, even)
  out$split_half <- 2 * r / (1 + r)
  out$item_mean <- I(as.vector(a$item.stats$mean))
  out$item_sd <- I(as.vector(a$item.stats$sd))
  out$r_drop <- I(as.vector(a$item.stats$r.drop))
  out$alpha_if_deleted <- I(as.vector(a$alpha.drop$raw_alpha))
  out$versions <- sprintf("%s, psych %s", R.version.string, packageVersion("psych"))
  out
}

# Writes item data as CSV (header i01..ikk, NA for missing).
write_items <- function(x, path) {
  colnames(x) <- sprintf("i%02d", seq_len(ncol(x)))
  write.csv(x, path, row.names = FALSE, na = "NA")
}

# Likert 1..5 items from a one-factor model with the given loadings.
simulate_likert <- function(n, loadings) {
  f <- rnorm(n)
  sapply(loadings, function(l) {
    z <- l * f + sqrt(1 - l^2) * rnorm(n)
    as.integer(cut(z, c(-Inf, -1.5, -0.5, 0.5, 1.5, Inf)))
  })
}
