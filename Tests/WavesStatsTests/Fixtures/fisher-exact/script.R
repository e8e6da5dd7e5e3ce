# Fixture fisher-exact: two-sided p-values of R fisher.test on r x 2 tables
# (role x completer/dropout), 2 x 2 up to 5 x 2, including zero cells and a zero row.
# Run from this folder: Rscript script.R  (writes expected.json)
suppressPackageStartupMessages(library(jsonlite))
tables <- list(
  matrix(c(3, 1, 1, 3), 2, byrow = TRUE),
  matrix(c(12, 5, 9, 1), 2, byrow = TRUE),
  matrix(c(0, 6, 7, 2), 2, byrow = TRUE),
  matrix(c(10, 2, 8, 3, 5, 6), 3, byrow = TRUE),
  matrix(c(40, 11, 22, 9, 14, 13), 3, byrow = TRUE),
  matrix(c(5, 0, 4, 1, 0, 0, 2, 5), 4, byrow = TRUE),
  matrix(c(30, 4, 25, 9, 12, 10, 8, 3, 6, 7), 5, byrow = TRUE),
  matrix(c(60, 20, 55, 25, 70, 10), 3, byrow = TRUE),
  matrix(c(9, 0, 8, 0), 2, byrow = TRUE),
  # large 2 x 2 tables (a cohort of 100,000; the 2 x 2 case is summed directly in O(N))
  matrix(c(40000, 9800, 30000, 7900), 2, byrow = TRUE),
  matrix(c(70000, 1, 21000, 0), 2, byrow = TRUE),
  matrix(c(50123, 12001, 48990, 12500), 2, byrow = TRUE),
  matrix(c(120, 3, 2, 115), 2, byrow = TRUE))
out <- lapply(tables, function(m) list(table = lapply(seq_len(nrow(m)), function(i) m[i, ]),
                                       p = fisher.test(m)$p.value))
writeLines(toJSON(list(r_version = R.version.string, tables = out), auto_unbox = TRUE, digits = I(15),
                  pretty = TRUE), "expected.json")
