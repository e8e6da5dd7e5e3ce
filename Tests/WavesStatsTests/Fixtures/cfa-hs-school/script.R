# The multi-group invariance ladder of HolzingerSwineford1939 across school
# (Pasteur, Grant-White): configural, metric (loadings), scalar (+ intercepts),
# strict (+ residual variances), as lavaan's group.equal; lavTestLRT between
# neighbours and lavTestScore on the scalar model.
source("../cfa-common/common.R")
d <- HolzingerSwineford1939[, c("school", paste0("x", 1:9))]
write.csv(d, "data.csv", row.names = FALSE)
d <- read.csv("data.csv")
model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"
eq <- list("", "loadings", c("loadings", "intercepts"),
           c("loadings", "intercepts", "residuals"))
fits <- lapply(eq, function(e) cfa(model, data = d, group = "school", group.equal = e))
names(fits) <- levels_named
out <- ladder_json(fits)
out$groups <- lavInspect(fits[[1]], "group.label")
write_expected(out)
